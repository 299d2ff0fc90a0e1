"""Forecast quality on real series: out-of-sample R² against the historical mean.

For each real series of ``skquantnn.datasets`` (built from data that ``arch`` and
``statsmodels`` bundle), each model runs in ``Pipeline(StandardScaler(), model)``
over ``TimeSeriesSplit(n_splits=5)``. The pooled out-of-sample R² is
``1 - SSE(model) / SSE(mean)``, summed over the five test blocks, where the
benchmark forecast of a block is the mean of its fold's training target: the
forecast a quant had at the time. The script prints one row per model: R² per
series and the total fit time over all folds of all series.

    python benchmarks/bench_real_data.py [--series ff_monthly,spx_vol] [--models ...]
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.base import clone
from sklearn.dummy import DummyRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import TimeSeriesSplit
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skquantnn import NumpyMLPRegressor
from skquantnn._numpy_mlp import SKLEARN_MLP_PARAMS
from skquantnn._real_data import REAL_SERIES


MODELS = {
    "mean": DummyRegressor(),
    "RidgeCV": RidgeCV(alphas=np.logspace(-3, 4, 30)),
    "sklearn MLPRegressor()": MLPRegressor(random_state=0),
    "NumpyMLPRegressor()": NumpyMLPRegressor(random_state=0),
    "previous default": NumpyMLPRegressor(random_state=0, **SKLEARN_MLP_PARAMS),
}


def oos_r2(model, X, y, cv):
    """Pooled out-of-sample R² against each fold's training mean, and fit seconds."""
    sse_model = sse_mean = seconds = 0.0
    for train, test in cv.split(X):
        pipe = make_pipeline(StandardScaler(), clone(model))
        started = time.perf_counter()
        pipe.fit(X[train], y[train])
        seconds += time.perf_counter() - started
        y_test = y[test]
        sse_model += float(np.sum((y_test - pipe.predict(X[test])) ** 2))
        sse_mean += float(np.sum((y_test - y[train].mean()) ** 2))
    return 1.0 - sse_model / sse_mean, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", default=",".join(REAL_SERIES),
                        help="comma-separated names (default: all)")
    parser.add_argument("--models", default=",".join(MODELS),
                        help="comma-separated row names (default: all)")
    args = parser.parse_args()
    series = args.series.split(",")
    data = {name: REAL_SERIES[name]() for name in series}
    cv = TimeSeriesSplit(n_splits=5)

    print("Pipeline(StandardScaler, model), TimeSeriesSplit(n_splits=5), pooled "
          "out-of-sample R² against each fold's training mean")
    header = f"{'model':28s}" + "".join(f"{s:>15s}" for s in series) + "  fit s"
    print(header)
    for name in args.models.split(","):
        cells, total = [], 0.0
        for s in series:
            X, y = data[s]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                r2, seconds = oos_r2(MODELS[name], X.to_numpy(), y.to_numpy(), cv)
            cells.append(f"{r2:+15.3f}")
            total += seconds
        print(f"{name:28s}" + "".join(cells) + f"  {total:6.1f}", flush=True)


if __name__ == "__main__":
    main()
