"""Forecast quality on real series: out-of-sample R² against the historical mean.

For each real series of ``skquantnn.datasets`` (built from data that ``arch`` and
``statsmodels`` bundle), each model runs in ``Pipeline(StandardScaler(), model)``
over ``TimeSeriesSplit(n_splits=5)``. The pooled out-of-sample R² is
``1 - SSE(model) / SSE(mean)`` summed over the five test blocks, where the
benchmark forecast of a block is the mean of its fold's training target: the
forecast a quant had at the time. One row per model: R² per series and the total
fit time over all folds of all series. Models run one after the other in one
process; ``--repeats`` runs the whole table again and reports median fit times.
``--random-state 0,1`` gives every model that has a ``random_state`` one row per
seed (default 0); the others keep one row.

    python benchmarks/bench_real_data.py [--series ff_monthly,spx_vol] [--repeats 3]
        [--random-state 0,1]
"""

import argparse
import statistics
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

from skquantnn import SKLEARN_MLP_PARAMS, NumpyMLPRegressor
from skquantnn.datasets import REAL_SERIES
from skquantnn.metrics import oos_r2_score

MODELS = {
    "mean": DummyRegressor(),
    "RidgeCV": RidgeCV(alphas=np.logspace(-3, 4, 30)),
    "scikit-learn MLPRegressor()": MLPRegressor(random_state=0),
    "NumpyMLPRegressor()": NumpyMLPRegressor(random_state=0),
    "scikit-learn's network (**SKLEARN_MLP_PARAMS)": NumpyMLPRegressor(
        random_state=0, **SKLEARN_MLP_PARAMS),
}


def with_seed(model, seed):
    """A clone of ``model`` with ``random_state=seed`` if it has one."""
    model = clone(model)
    if "random_state" in model.get_params():
        model.set_params(random_state=seed)
    return model


def evaluate(model, X, y, cv):
    """Pooled out-of-sample R² against each fold's training mean, and fit seconds."""
    y_true, y_pred, y_bench, seconds = [], [], [], 0.0
    for train, test in cv.split(X):
        pipe = make_pipeline(StandardScaler(), clone(model))
        started = time.perf_counter()
        pipe.fit(X[train], y[train])
        seconds += time.perf_counter() - started
        y_true.append(y[test])
        y_pred.append(pipe.predict(X[test]))
        y_bench.append(np.full(len(test), y[train].mean()))
    r2 = oos_r2_score(*(np.concatenate(a) for a in (y_true, y_pred, y_bench)))
    return r2, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", default=",".join(REAL_SERIES),
                        help="comma-separated names (default: all)")
    parser.add_argument("--models", default=",".join(MODELS),
                        help="comma-separated row names (default: all)")
    parser.add_argument("--repeats", type=int, default=1,
                        help="runs of the whole table; fit times are medians")
    parser.add_argument("--random-state", default="0",
                        help="comma-separated seeds of the seeded models "
                             "(default: 0)")
    args = parser.parse_args()
    series = args.series.split(",")
    seeds = [int(v) for v in args.random_state.split(",")]
    rows = {}                    # row name -> model, one row per seed if seeded
    for name in args.models.split(","):
        if "random_state" not in MODELS[name].get_params():
            rows[name] = MODELS[name]
            continue
        for seed in seeds:
            row = name if seeds == [0] else f"{name}, random_state={seed}"
            rows[row] = with_seed(MODELS[name], seed)
    names = list(rows)
    data = {s: tuple(a.to_numpy() for a in REAL_SERIES[s]()) for s in series}
    cv = TimeSeriesSplit(n_splits=5)

    scores, times = {}, {name: [] for name in names}
    for _ in range(args.repeats):
        for name in names:
            total = 0.0
            for s in series:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    r2, seconds = evaluate(rows[name], *data[s], cv)
                scores[name, s] = r2     # seeded: the same in every repeat
                total += seconds
            times[name].append(total)

    print("Pipeline(StandardScaler, model), TimeSeriesSplit(n_splits=5); pooled "
          "out-of-sample R² against each fold's training mean")
    print(f"| model | {' | '.join(series)} | fit s |")
    print("|---|" + "---:|" * (len(series) + 1))
    for name in names:
        cells = " | ".join(f"{scores[name, s]:+.3f}" for s in series)
        print(f"| {name} | {cells} | {statistics.median(times[name]):.1f} |")


if __name__ == "__main__":
    main()
