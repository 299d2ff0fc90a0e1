"""The documentation builds without a single warning."""

import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.mark.slow
def test_docs_build_without_warnings(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html", "-q",
         str(DOCS), str(tmp_path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    api = (tmp_path / "api.html").read_text()
    for name in ["NumpyMLPRegressor", "KerasMLPRegressor", "local_betas",
                 "plot_learning_curve", "run_benchmark", "make_economic_regression",
                 "PanelTimeSeriesSplit", "CrossSectionalRankScaler",
                 "long_short_returns", "sharpe_ratio", "panel_diebold_mariano_test",
                 "run_panel_benchmark"]:
        assert name in api
    assert "<table" in (tmp_path / "performance.html").read_text()
    assert "--dropna" in (tmp_path / "cli.html").read_text()
    assert "--asset-column" in (tmp_path / "cli.html").read_text()
    assert "<table" in (tmp_path / "cross_section.html").read_text()
