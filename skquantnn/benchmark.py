"""The main job: neural networks against linear and tree baselines, in time order.

:func:`run_benchmark` fits each model in ``Pipeline(StandardScaler(), model)`` on
time-ordered folds (``TimeSeriesSplit``, or walk-forward refits every N rows) and
judges every forecast as quants do: out-of-sample R² against the historical mean
of each training window, the Clark-West test against that mean and the
Diebold-Mariano test against ridge regression, besides MSE, MAE and scikit-learn's
R². :func:`load_dataset` and :func:`load_csv` give it data; :func:`write_report`
(in ``skquantnn._report``) saves tables and figures. The ``skquantnn benchmark``
command only parses arguments and calls these. Panels (assets by date) go to
:func:`run_panel_benchmark` (in ``skquantnn._panel_benchmark``) instead.
"""

import sys
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import RidgeCV
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score
from sklearn.model_selection import TimeSeriesSplit
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skquantnn._panel_benchmark import (
    PANEL_DATASETS,
    PanelBenchmarkResult,
    is_panel,
    load_gkx,
    panel_folds,
    run_panel_benchmark,
)
from skquantnn._report import MODELS, DataError, load_csv, write_report
from skquantnn.datasets import REAL_SERIES
from skquantnn.metrics import clark_west_test, diebold_mariano_test, oos_r2_score

__all__ = ["MODELS", "DATASETS", "BenchmarkResult", "DataError", "load_csv",
           "load_dataset", "run_benchmark", "time_series_folds", "write_report",
           "PanelBenchmarkResult", "is_panel", "panel_folds", "run_panel_benchmark"]

#: The built-in data sets: the Keras tutorial's simulated data, real series, and
#: the simulated panels of Gu, Kelly and Xiu (2020).
DATASETS = ("tutorial", *REAL_SERIES, *PANEL_DATASETS)
#: Fewest training rows the first fold may have: the networks hold out 20% of it.
MIN_TRAIN_ROWS = 20


def make_model(name, epochs=50, random_state=0):
    """``Pipeline(StandardScaler(), model)`` for one of :data:`MODELS`.

    Both networks get the tutorial's architecture (64 -> 32 relu, adam at 1e-3,
    batch 32, up to ``epochs`` epochs) and stop early on held-out rows of each
    training fold: its last rows, in time order, or on a panel blocks of dates
    (``NumpyMLPRegressor``'s ``cross_fit``). ``NumpyMLPRegressor`` keeps its
    defaults for noisy series (five averaged networks, a ridge skip connection,
    shrinkage);
    ``KerasMLPRegressor`` is the tutorial's model in float32 with a standardised
    target. The ridge baseline tunes its penalty by leave-one-out over
    ``logspace(-3, 4, 30)``.
    """
    if name == "numpy":
        from skquantnn import NumpyMLPRegressor

        model = NumpyMLPRegressor(batch_size=32, max_iter=epochs,
                                  random_state=random_state)
    elif name == "keras":
        from skquantnn import KerasMLPRegressor

        model = KerasMLPRegressor(epochs=epochs, validation_split=0.2,
                                  early_stopping=True, steps_per_execution=32,
                                  dtype="float32", standardize_target=True,
                                  random_state=random_state)
    elif name == "ridge":
        model = RidgeCV(alphas=np.logspace(-3, 4, 30))
    elif name == "hgb":
        model = HistGradientBoostingRegressor(random_state=random_state)
    else:
        raise ValueError(f"unknown model {name!r}; choose from {', '.join(MODELS)}")
    return Pipeline([("scale", StandardScaler()), ("model", model)])


def load_dataset(name, return_oracle=False):
    """``(X, y)`` of a built-in data set, rows in time order.

    Parameters
    ----------
    name : str
        ``"tutorial"`` (the Keras tutorial's 2000 simulated rows), a key of
        :data:`skquantnn.datasets.REAL_SERIES`, or ``"gkx_a"``/``"gkx_b"``: the
        panel of :func:`~skquantnn.datasets.make_gkx_panel`, model (a) or (b),
        200 stocks x 180 months x 50 characteristics, seed 0.
    return_oracle : bool, default=False
        Return ``(X, y, oracle)`` instead: the true conditional mean of a
        simulated panel, None for the other data sets.

    Raises
    ------
    DataError
        An unknown name, or a real series whose package is not installed.
    """
    if name in PANEL_DATASETS:
        X, y, oracle = load_gkx(name)
        return (X, y, oracle) if return_oracle else (X, y)
    if return_oracle:
        return (*load_dataset(name), None)
    if name == "tutorial":
        from skquantnn.datasets import make_economic_regression

        return make_economic_regression(random_state=42, as_frame=True)
    if name not in REAL_SERIES:
        raise DataError(f"unknown data set {name!r}; choose from "
                        f"{', '.join(DATASETS)}")
    try:
        return REAL_SERIES[name]()
    except ImportError as error:
        raise DataError(str(error)) from None


@dataclass
class BenchmarkResult:
    """What :func:`run_benchmark` measured.

    Attributes
    ----------
    summary : DataFrame
        One row per model: ``oos_r2`` (pooled over folds, against each training
        window's mean), ``cw_pvalue`` (Clark-West, model against that mean),
        ``dm_pvalue_vs_ridge`` (Diebold-Mariano, model against RidgeCV; NaN for
        RidgeCV itself or without it), mean and std over folds of MSE, MAE and
        scikit-learn's R^2, and the mean fit seconds.
    folds : DataFrame
        One row per model and fold, with the fold's ``oos_r2``.
    predictions : DataFrame
        One row per test row (indexed by the data's index labels, dates where
        the data has them): its ``fold``, ``y_true``, the ``benchmark`` forecast
        (its training window's mean), and one column of forecasts per model.
    last_fold : dict
        Per model: ``{"estimator", "y_true", "y_pred", "index"}`` on the last fold.
    settings : dict
    """

    summary: pd.DataFrame
    folds: pd.DataFrame
    predictions: pd.DataFrame
    last_fold: dict = field(repr=False)
    settings: dict


def time_series_folds(n_samples, n_splits=5, gap=0, refit_every=None,
                      max_train_size=None, first_window=None):
    """Time-ordered ``(train, test)`` folds, or a DataError saying what to change.

    Without ``refit_every``, ``TimeSeriesSplit(n_splits, gap=gap,
    max_train_size=max_train_size)``. With it, walk-forward: after a first
    training window of at least ``first_window`` rows (default a fifth of the
    rows; the rows that do not fill a whole block of ``refit_every`` join it), the
    model is refitted every ``refit_every`` rows on everything before (or on the
    last ``max_train_size`` rows) and forecasts the next ``refit_every`` rows,
    to the end of the data.
    """
    if refit_every is not None:
        first = first_window if first_window is not None else max(
            MIN_TRAIN_ROWS, n_samples // 5)
        left = n_samples - first - gap
        if refit_every > left:
            raise DataError(
                f"--refit-every {refit_every} is larger than the {max(left, 0)} rows "
                f"left after the first training window of {first} rows and a gap of "
                f"{gap} ({n_samples} rows in all)")
        n_splits = left // refit_every
        if n_splits < 2:
            raise DataError(
                f"--refit-every {refit_every} leaves {n_splits} test block after the "
                f"first training window of {first} rows; at least 2 are needed")
        splitter = TimeSeriesSplit(n_splits=n_splits, test_size=refit_every, gap=gap,
                                   max_train_size=max_train_size)
    else:
        splitter = TimeSeriesSplit(n_splits=n_splits, gap=gap,
                                   max_train_size=max_train_size)
    try:
        folds = list(splitter.split(np.empty((n_samples, 1))))
    except ValueError as error:
        raise DataError(
            f"too few rows ({n_samples}) for {n_splits} splits with a gap of {gap}: "
            f"{error}") from None
    smallest = min(len(train) for train, _ in folds)
    if smallest < MIN_TRAIN_ROWS:
        raise DataError(
            f"too few rows ({n_samples}) for the first training window: it has "
            f"{smallest} rows, at least {MIN_TRAIN_ROWS} are needed; use fewer "
            "splits, a smaller gap, a larger --first-window or more data")
    return folds


def run_benchmark(X, y, models=tuple(MODELS), n_splits=5, gap=0, epochs=50,
                  random_state=0, progress=False, refit_every=None,
                  max_train_size=None, first_window=None):
    """Fit and forecast with each model over time-ordered folds.

    Parameters
    ----------
    X : DataFrame or array-like of shape (n_samples, n_features)
        Features, rows in time order.
    y : Series or array-like of shape (n_samples,)
    models : sequence of str, default=all of MODELS
        Keys of :data:`MODELS`.
    n_splits : int, default=5
        ``TimeSeriesSplit`` folds: each trains on the past, tests on what follows.
    gap : int, default=0
        Rows left out between each training part and its test part.
    epochs : int, default=50
        Maximum epochs of the networks.
    random_state : int, default=0
    progress : bool, default=False
        Show a progress bar over refits (folds x models) on stderr.
    refit_every : int, default=None
        Walk forward instead: refit every this many rows, forecast the next ones
        (see :func:`time_series_folds`).
    max_train_size : int, default=None
        Train on at most this many of the latest rows (a rolling window).
    first_window : int, default=None
        Fewest rows of the first training window when walking forward.

    Returns
    -------
    BenchmarkResult

    Examples
    --------
    >>> from skquantnn.benchmark import run_benchmark
    >>> from skquantnn.datasets import make_economic_regression
    >>> X, y = make_economic_regression(n_samples=300, random_state=0)
    >>> result = run_benchmark(X, y, models=["ridge", "numpy"], n_splits=3)
    >>> list(result.summary.index)
    ['NumpyMLPRegressor', 'RidgeCV']
    """
    from tqdm.auto import tqdm

    unknown = [m for m in models if m not in MODELS]
    if unknown:
        raise ValueError(f"unknown model(s) {', '.join(unknown)}; choose from "
                         f"{', '.join(MODELS)}")
    folds = time_series_folds(len(X), n_splits, gap, refit_every, max_train_size,
                              first_window)
    y_values = np.asarray(y, dtype=float)
    # a Series' labels (dates), else positions
    index = y.index if hasattr(y, "iloc") else pd.RangeIndex(len(y_values))
    test_rows = np.concatenate([test for _, test in folds])
    predictions = pd.DataFrame({
        "fold": np.concatenate([np.full(len(t), k + 1) for k, (_, t) in
                                enumerate(folds)]),
        "y_true": y_values[test_rows],
        "benchmark": np.concatenate([np.full(len(t), y_values[tr].mean())
                                     for tr, t in folds]),
    }, index=index[test_rows])
    rows, last_fold = [], {}
    with tqdm(total=len(models) * len(folds), desc="refits (folds x models)",
              unit="fit", disable=not progress, file=sys.stderr) as bar:
        for name in models:
            label = MODELS[name]
            forecasts = []
            for k, (train, test) in enumerate(folds):
                bar.set_postfix_str(f"{label}, fold {k + 1}/{len(folds)}")
                estimator = make_model(name, epochs, random_state)
                seconds, y_pred = _fit_predict(estimator, X, y, train, test)
                forecasts.append(y_pred)
                rows.append(_fold_scores(label, k, train, y_values, test, y_pred,
                                         seconds))
                bar.update()
            predictions[label] = np.concatenate(forecasts)
            last_fold[label] = {"estimator": estimator, "y_true": y_values[test],
                                "y_pred": y_pred, "index": index[test]}
    per_fold = pd.DataFrame(rows)
    summary = _summarise(per_fold, predictions)
    settings = {"models": [MODELS[m] for m in models], "n_splits": len(folds),
                "gap": gap, "epochs": epochs, "random_state": random_state,
                "n_samples": len(X), "refit_every": refit_every,
                "max_train_size": max_train_size,
                "first_window": len(folds[0][0])}
    return BenchmarkResult(summary, per_fold, predictions, last_fold, settings)


def _fit_predict(estimator, X, y, train, test):
    def rows(data, index):
        return data.iloc[index] if hasattr(data, "iloc") else np.asarray(data)[index]

    with warnings.catch_warnings():
        # the epoch cap is the user's choice, not a failure
        warnings.simplefilter("ignore", ConvergenceWarning)
        started = time.perf_counter()
        estimator.fit(rows(X, train), rows(y, train))
        seconds = time.perf_counter() - started
    return seconds, np.asarray(estimator.predict(rows(X, test)), dtype=float)


def _fold_scores(label, k, train, y_values, test, y_pred, seconds):
    y_true = y_values[test]
    return {"model": label, "fold": k + 1, "train_rows": len(train),
            "test_rows": len(test), "oos_r2": oos_r2_score(
                y_true, y_pred, y_values[train].mean()),
            "mse": mean_squared_error(y_true, y_pred),
            "mae": mean_absolute_error(y_true, y_pred),
            "r2": r2_score(y_true, y_pred), "fit_seconds": seconds}


def _p_value(test, *args):
    """A forecast test's p-value; NaN where it is undefined (a constant loss
    differential, as for a model that forecasts the benchmark itself) or
    statsmodels is missing."""
    try:
        return test(*args).pvalue
    except (ValueError, ImportError):
        return np.nan


def _summarise(per_fold, predictions):
    y_true, bench = predictions["y_true"], predictions["benchmark"]
    summary = per_fold.groupby("model").agg(
        mse_mean=("mse", "mean"), mse_std=("mse", "std"),
        mae_mean=("mae", "mean"), mae_std=("mae", "std"),
        r2_mean=("r2", "mean"), r2_std=("r2", "std"),
        fit_seconds=("fit_seconds", "mean"))
    summary.insert(0, "oos_r2", [oos_r2_score(y_true, predictions[m], bench)
                                 for m in summary.index])
    summary.insert(1, "cw_pvalue", [_p_value(clark_west_test, y_true,
                                             predictions[m], bench)
                                    for m in summary.index])
    ridge = MODELS["ridge"]
    summary.insert(2, "dm_pvalue_vs_ridge", [
        _p_value(diebold_mariano_test, y_true, predictions[m], predictions[ridge])
        if ridge in predictions and m != ridge else np.nan for m in summary.index])
    return summary.sort_values("oos_r2", ascending=False)
