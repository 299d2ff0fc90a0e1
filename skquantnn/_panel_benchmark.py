"""The main job on panels (assets by date): folds of whole dates, and forecasts
judged as Gu, Kelly and Xiu (2020) judge them.

:func:`run_panel_benchmark` fits each model in ``Pipeline(StandardScaler(),
model)`` (with pandas output, so that the networks see the dates and hold out
whole dates) on :class:`~skquantnn.model_selection.PanelTimeSeriesSplit` folds,
and reports per model the pooled R^2 against a zero forecast (GKX's measure) and
against each training window's mean, the Sharpe ratio of the long-short decile
portfolio of its forecasts, and the panel Diebold-Mariano test against ridge.
Public through :mod:`skquantnn.benchmark`.
"""

import sys
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from skquantnn._panel import date_codes, panel_dates
from skquantnn._report import DataError
from skquantnn.metrics import (
    long_short_returns,
    oos_r2_score,
    panel_diebold_mariano_test,
    sharpe_ratio,
)
from skquantnn.model_selection import PanelTimeSeriesSplit

#: The built-in panels: the simulation of Gu, Kelly and Xiu (2020), models (a)
#: and (b), at the paper's size: 200 stocks, 180 months and 50 characteristics
#: (100 features); seed 0. The main job runs either in about half a minute on two
#: cores.
PANEL_DATASETS = {"gkx_a": "a", "gkx_b": "b"}
#: Their default design, GKX's: train on the first 120 months, then refit every
#: 30 months on all months before and forecast the next 30 (the last 60 months
#: are tested in two blocks).
GKX_DESIGN = {"first_window": 120, "refit_every": 30}
#: Models run on a panel unless others are asked for (the Keras tutorial's
#: network takes minutes on 24,000 rows).
PANEL_MODELS = ("numpy", "ridge", "hgb")
#: The label of the true conditional mean in the tables.
ORACLE = "oracle (true g)"
#: Fewest rows the first training window may have.
MIN_TRAIN_ROWS = 20


def load_gkx(name):
    """``(X, y, oracle)`` of a built-in panel, ``"gkx_a"`` or ``"gkx_b"``."""
    from skquantnn.datasets import make_gkx_panel

    return make_gkx_panel(PANEL_DATASETS[name], n_stocks=200, n_months=180,
                          n_characteristics=50, random_state=0)


def is_panel(X):
    """Whether ``X``'s index holds dates and assets (a MultiIndex)."""
    return isinstance(getattr(X, "index", None), pd.MultiIndex)


@dataclass
class PanelBenchmarkResult:
    """What :func:`run_panel_benchmark` measured.

    Attributes
    ----------
    summary : DataFrame
        One row per model (and the oracle, when known): ``r2_zero`` (pooled R^2
        against a zero forecast, GKX's), ``oos_r2`` (against each training
        window's mean), ``ls_sharpe`` and ``ls_mean`` (annualised Sharpe ratio
        and mean per period of the long-short portfolio of the forecasts),
        ``dm_pvalue_vs_ridge`` (panel Diebold-Mariano, model beats RidgeCV),
        ``mse`` and the mean ``fit_seconds``.
    folds : DataFrame
        One row per model and fold.
    predictions : DataFrame
        One row per test row, indexed by (date, asset): its ``fold``,
        ``y_true``, the ``benchmark`` (its training window's mean) and one column
        of forecasts per model.
    long_short : DataFrame
        The long-short return of each test date (rows) and model (columns).
    last_fold : dict
        Per model: ``{"estimator", "y_true", "y_pred", "index"}`` on the last fold.
    settings : dict
    """

    summary: pd.DataFrame
    folds: pd.DataFrame
    predictions: pd.DataFrame
    long_short: pd.DataFrame
    last_fold: dict
    settings: dict


def panel_folds(X, n_splits=5, gap=0, refit_every=None, max_train_size=None,
                first_window=None):
    """Folds of whole dates, ``(train, test)`` row positions, or a DataError.

    As :func:`~skquantnn.benchmark.time_series_folds`, with every count in dates:
    ``PanelTimeSeriesSplit(n_splits, gap=gap, max_train_periods=max_train_size)``,
    or with ``refit_every`` a first window of at least ``first_window`` dates
    (default a fifth) and then test blocks of ``refit_every`` dates to the end.
    """
    dates = panel_dates(X)
    if dates is None:
        raise DataError("a panel needs dates in the first level of its index")
    n_dates = len(date_codes(dates, "the dates")[1])
    test_periods = None
    if refit_every is not None:
        first = first_window if first_window is not None else n_dates // 5
        n_splits = (n_dates - first - gap) // refit_every
        if n_splits < 2:
            raise DataError(
                f"--refit-every {refit_every} leaves {max(n_splits, 0)} test "
                f"block(s) of dates after a first window of {first} dates and a gap "
                f"of {gap} ({n_dates} dates in all); at least 2 are needed")
        test_periods = refit_every
    splitter = PanelTimeSeriesSplit(n_splits, gap=gap, max_train_periods=max_train_size,
                                    test_periods=test_periods)
    try:
        folds = list(splitter.split(X))
    except ValueError as error:
        raise DataError(f"too few dates ({n_dates}) for {n_splits} splits: "
                        f"{error}") from None
    smallest = min(len(train) for train, _ in folds)
    if smallest < MIN_TRAIN_ROWS:
        raise DataError(f"the first training window has {smallest} rows, at least "
                        f"{MIN_TRAIN_ROWS} are needed; use fewer splits or more data")
    return folds


def infer_periods_per_year(dates):
    """Distinct dates per year of datetime ``dates``, rounded (12 for month
    ends, about 252 for trading days); 12 for dates that are not datetimes."""
    distinct = pd.Index(dates).unique().sort_values()
    if not isinstance(distinct, pd.DatetimeIndex) or len(distinct) < 2:
        return 12
    years = (distinct[-1] - distinct[0]).days / 365.25
    return max(1, round((len(distinct) - 1) / years)) if years > 0 else 12


def run_panel_benchmark(X, y, models=PANEL_MODELS, n_splits=5, gap=0, epochs=50,
                        random_state=0, progress=False, refit_every=None,
                        max_train_size=None, first_window=None, oracle=None,
                        n_quantiles=10, periods_per_year=None, threads=1):
    """Fit and forecast with each model over folds of whole dates.

    Parameters
    ----------
    X : DataFrame of shape (n_samples, n_features)
        Indexed by (date, asset); rows in any order.
    y : Series or array-like of shape (n_samples,)
        The return that follows each row's date.
    models : sequence of str, default=("numpy", "ridge", "hgb")
        Keys of :data:`~skquantnn.benchmark.MODELS`.
    n_splits, gap, max_train_size : int
        :class:`~skquantnn.model_selection.PanelTimeSeriesSplit`'s folds, test
        blocks, gap and rolling window, counted in dates.
    epochs : int, default=50
    random_state : int, default=0
    progress : bool, default=False
    refit_every, first_window : int, default=None
        Walk forward instead: a first window of at least ``first_window`` dates,
        then refits every ``refit_every`` dates.
    oracle : array-like of shape (n_samples,), default=None
        The true conditional mean, when known (simulations): one more row.
    n_quantiles : int, default=10
        Quantile portfolios of the long-short return (deciles).
    periods_per_year : float, default=None
        Annualises the Sharpe ratio; None infers it from the dates (12 for
        monthly dates, 12 for dates that are not datetimes).
    threads : int or None, default=1
        BLAS and OpenMP threads per fit (through threadpoolctl; Keras keeps its
        own); None leaves the libraries' defaults. One, because on a machine
        whose cores other jobs keep busy, threads that wait for each other
        spinning cost far more than they gain on panels of this size: the
        ``gkx_b`` job took 41 to 77 s with two threads and 18 to 20 s with one,
        on two busy cores.

    Returns
    -------
    PanelBenchmarkResult

    Examples
    --------
    >>> from skquantnn.benchmark import run_panel_benchmark
    >>> from skquantnn.datasets import make_gkx_panel
    >>> X, y, g = make_gkx_panel(n_stocks=50, n_months=36, n_characteristics=5,
    ...                          random_state=0)
    >>> result = run_panel_benchmark(X, y, models=["ridge"], n_splits=3, oracle=g)
    >>> sorted(result.summary.index), result.long_short.shape
    (['RidgeCV', 'oracle (true g)'], (27, 2))
    """
    from threadpoolctl import threadpool_limits
    from tqdm.auto import tqdm

    from skquantnn.benchmark import MODELS, _fit_predict, make_model

    unknown = [m for m in models if m not in MODELS]
    if unknown:
        raise ValueError(f"unknown model(s) {', '.join(unknown)}; choose from "
                         f"{', '.join(MODELS)}")
    folds = panel_folds(X, n_splits, gap, refit_every, max_train_size, first_window)
    y_values = np.asarray(y, dtype=float)
    dates = panel_dates(X)
    test_rows = np.concatenate([test for _, test in folds])
    predictions = pd.DataFrame({
        "fold": np.concatenate([np.full(len(t), k + 1) for k, (_, t) in
                                enumerate(folds)]),
        "y_true": y_values[test_rows],
        "benchmark": np.concatenate([np.full(len(t), y_values[tr].mean())
                                     for tr, t in folds]),
    }, index=X.index[test_rows])
    rows, last_fold = [], {}
    with tqdm(total=len(models) * len(folds), desc="refits (folds x models)",
              unit="fit", disable=not progress, file=sys.stderr) as bar, \
            threadpool_limits(limits=threads):
        for name in models:
            label = MODELS[name]
            forecasts = []
            for k, (train, test) in enumerate(folds):
                bar.set_postfix_str(f"{label}, fold {k + 1}/{len(folds)}")
                # pandas output carries the dates to the networks
                estimator = make_model(name, epochs, random_state).set_output(
                    transform="pandas")
                seconds, y_pred = _fit_predict(estimator, X, y, train, test)
                forecasts.append(y_pred)
                rows.append(_fold_scores(label, k, train, test, y_values, y_pred,
                                         seconds))
                bar.update()
            predictions[label] = np.concatenate(forecasts)
            last_fold[label] = {"estimator": estimator, "y_true": y_values[test],
                                "y_pred": y_pred, "index": X.index[test]}
    if oracle is not None:
        predictions[ORACLE] = np.asarray(oracle, dtype=float)[test_rows]
    labels = [MODELS[m] for m in models] + ([ORACLE] if oracle is not None else [])
    if periods_per_year is None:
        periods_per_year = infer_periods_per_year(dates)
    test_dates = dates[test_rows]
    with warnings.catch_warnings():
        # the dates skipped (too few assets) are the same for every model: they
        # go into the settings instead of one warning per model
        warnings.simplefilter("ignore", UserWarning)
        portfolios = {label: long_short_returns(
            predictions["y_true"], predictions[label], test_dates, n_quantiles)
            for label in labels}
    skipped = portfolios[labels[0]].attrs["skipped_dates"]
    long_short = pd.DataFrame(portfolios)
    per_fold = pd.DataFrame(rows)
    summary = _summarise(per_fold, predictions, long_short, labels, test_dates,
                         periods_per_year)
    settings = {"models": labels, "n_splits": len(folds), "gap": gap,
                "epochs": epochs, "random_state": random_state,
                "n_samples": len(X), "n_dates": int(len(pd.unique(dates))),
                "refit_every": refit_every, "max_train_size": max_train_size,
                "first_window": int(len(pd.unique(dates[folds[0][0]]))),
                "n_quantiles": n_quantiles, "periods_per_year": periods_per_year,
                "skipped_dates": [str(d) for d in skipped], "threads": threads,
                "panel": True}
    return PanelBenchmarkResult(summary, per_fold, predictions, long_short,
                                last_fold, settings)


def _fold_scores(label, k, train, test, y_values, y_pred, seconds):
    y_true = y_values[test]
    return {"model": label, "fold": k + 1, "train_rows": len(train),
            "test_rows": len(test),
            "r2_zero": oos_r2_score(y_true, y_pred, 0.0),
            "oos_r2": oos_r2_score(y_true, y_pred, y_values[train].mean()),
            "mse": float(np.mean((y_true - y_pred) ** 2)), "fit_seconds": seconds}


def _dm_pvalue(y_true, a, b, dates):
    try:
        return panel_diebold_mariano_test(y_true, a, b, dates).pvalue
    except (ValueError, ImportError):
        return np.nan


def _summarise(per_fold, predictions, long_short, labels, dates, periods):
    y_true, bench = predictions["y_true"], predictions["benchmark"]
    ridge = "RidgeCV"
    seconds = per_fold.groupby("model")["fit_seconds"].mean()
    summary = pd.DataFrame({
        "r2_zero": [oos_r2_score(y_true, predictions[m], 0.0) for m in labels],
        "oos_r2": [oos_r2_score(y_true, predictions[m], bench) for m in labels],
        "ls_sharpe": [sharpe_ratio(long_short[m], periods) for m in labels],
        "ls_mean": [long_short[m].mean() for m in labels],
        "dm_pvalue_vs_ridge": [
            _dm_pvalue(y_true, predictions[m], predictions[ridge], dates)
            if ridge in predictions and m != ridge else np.nan for m in labels],
        "mse": [float(np.mean((y_true - predictions[m]) ** 2)) for m in labels],
        "fit_seconds": [seconds.get(m, 0.0) for m in labels],
    }, index=pd.Index(labels, name="model"))
    return summary.sort_values("r2_zero", ascending=False)


def panel_figures(result, folder):
    """Per-date cumulative plots of a panel benchmark; returns the files written.

    ``cumulative_long_short.png``: each model's long-short return summed over
    the test dates. ``cumulative_sse_difference.png``: per test date, the
    squared error of the training mean minus the model's, summed over the
    date's assets, then cumulated (it rises while the model beats the mean).
    """
    import matplotlib.pyplot as plt

    written = []
    frame = result.predictions
    dates = frame.index.get_level_values(0)
    labels = list(result.summary.index)
    bench_error = (frame["y_true"] - frame["benchmark"]) ** 2
    per_date = pd.DataFrame({m: (bench_error - (frame["y_true"] - frame[m]) ** 2)
                             .groupby(dates).sum() for m in labels})
    for name, data, ylabel, title in [
        ("cumulative_long_short.png", result.long_short, "cumulative return",
         f"Long-short portfolio of the forecasts (top minus bottom of "
         f"{result.settings['n_quantiles']} quantiles), summed over test dates"),
        ("cumulative_sse_difference.png", per_date, "cumulative SSE difference",
         "Squared error of the training mean minus the model's, per test date"),
    ]:
        fig, ax = plt.subplots(figsize=(9, 4.5))
        for label in labels:
            ax.plot(data.index, data[label].cumsum(), label=label)
        ax.axhline(0, color="black", lw=0.8)
        ax.set(title=title, xlabel="date", ylabel=ylabel)
        ax.legend()
        ax.grid(True, alpha=0.3)
        fig.tight_layout()
        written.append(folder / name)
        fig.savefig(written[-1], dpi=100)
        plt.close(fig)
    return written
