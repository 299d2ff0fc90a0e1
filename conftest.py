"""Test-session setup shared by tests/ and the doctests in skquantnn/."""

import os

# Lets scikit-learn's array-API common check run (with NumPy inputs) instead of
# skipping; it must be set before SciPy is first imported.
os.environ.setdefault("SCIPY_ARRAY_API", "1")
os.environ.setdefault("MPLBACKEND", "Agg")
