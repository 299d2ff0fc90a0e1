"""Sphinx configuration of the skquantnn documentation."""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("MPLBACKEND", "Agg")

import skquantnn  # noqa: E402
from skquantnn.cli import build_parser  # noqa: E402

project = "skquantnn"
author = "The skquantnn developers"
copyright = "2026, The skquantnn developers"
release = version = skquantnn.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.intersphinx",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_parser",
]
source_suffix = {".rst": "restructuredtext"}
exclude_patterns = ["_build", "_generated/*.txt"]
html_theme = "pydata_sphinx_theme"
html_title = "skquantnn"
html_theme_options = {"navigation_with_keys": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
autodoc_default_options = {"inherited-members": False}
intersphinx_mapping = {}

# The command-line reference is the parser's own help, so it cannot drift.
generated = HERE / "_generated"
generated.mkdir(exist_ok=True)
benchmark_parser = build_parser()._subparsers._group_actions[0].choices["benchmark"]
(generated / "benchmark_help.txt").write_text(benchmark_parser.format_help())
# The performance page includes a section of README.md, whose headings start at ###.
suppress_warnings = ["myst.header"]
