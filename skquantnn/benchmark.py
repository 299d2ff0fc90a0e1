"""The main job: neural networks against linear and tree baselines, in time order.

:func:`run_benchmark` cross-validates each model in ``Pipeline(StandardScaler(),
model)`` over ``TimeSeriesSplit`` folds; :func:`load_csv` reads a user's data with
one-line errors; :func:`write_report` saves the tables and figures. The
``skquantnn benchmark`` command only parses arguments and calls these.
"""

import json
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Ridge
from sklearn.model_selection import TimeSeriesSplit, cross_validate
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

#: Short names accepted by ``models`` and the names shown in tables.
MODELS = {
    "numpy": "NumpyMLPRegressor",
    "keras": "KerasMLPRegressor",
    "ridge": "Ridge",
    "hgb": "HistGradientBoostingRegressor",
}
NEURAL_MODELS = ("numpy", "keras")
#: Fewest training rows the first fold may have: the networks hold out 20% of it.
MIN_TRAIN_ROWS = 20
SCORING = {"mse": "neg_mean_squared_error", "mae": "neg_mean_absolute_error",
           "r2": "r2"}


class DataError(ValueError):
    """The data cannot be benchmarked; the message says why in one line."""


def make_model(name, epochs=50, random_state=0):
    """``Pipeline(StandardScaler(), model)`` for one of :data:`MODELS`.

    Both networks get the tutorial's architecture and training (64 -> 32 relu,
    adam at 1e-3, batch 32, up to ``epochs`` epochs, float32 for Keras as in the
    tutorial) and stop early on the last 20% of each training fold, in time order.
    """
    if name == "numpy":
        from skquantnn import NumpyMLPRegressor

        model = NumpyMLPRegressor(batch_size=32, max_iter=epochs, early_stopping=True,
                                  validation_fraction=0.2, random_state=random_state)
    elif name == "keras":
        from skquantnn import KerasMLPRegressor

        model = KerasMLPRegressor(epochs=epochs, validation_split=0.2,
                                  early_stopping=True, steps_per_execution=32,
                                  dtype="float32", random_state=random_state)
    elif name == "ridge":
        model = Ridge(alpha=1.0)
    elif name == "hgb":
        model = HistGradientBoostingRegressor(random_state=random_state)
    else:
        raise ValueError(f"unknown model {name!r}; choose from {', '.join(MODELS)}")
    return Pipeline([("scale", StandardScaler()), ("model", model)])


@dataclass
class BenchmarkResult:
    """What :func:`run_benchmark` measured.

    Attributes
    ----------
    summary : DataFrame
        One row per model: mean and std over folds of MSE, MAE and R^2, and
        the mean fit seconds.
    folds : DataFrame
        One row per model and fold.
    last_fold : dict
        Per model: ``{"estimator", "y_true", "y_pred", "index"}`` on the last fold.
    settings : dict
    """

    summary: pd.DataFrame
    folds: pd.DataFrame
    last_fold: dict = field(repr=False)
    settings: dict


def time_series_folds(n_samples, n_splits=5, gap=0):
    """The ``TimeSeriesSplit`` folds, or a DataError saying what to change."""
    try:
        folds = list(TimeSeriesSplit(n_splits=n_splits, gap=gap).split(
            np.empty((n_samples, 1))))
    except ValueError as error:
        raise DataError(
            f"too few rows ({n_samples}) for {n_splits} splits with a gap of {gap}: "
            f"{error}") from None
    smallest = len(folds[0][0])
    if smallest < MIN_TRAIN_ROWS:
        raise DataError(
            f"too few rows ({n_samples}) for {n_splits} splits with a gap of {gap}: "
            f"the first training fold has {smallest} rows, at least {MIN_TRAIN_ROWS} "
            "are needed; use fewer splits, a smaller gap or more data")
    return folds


def run_benchmark(X, y, models=tuple(MODELS), n_splits=5, gap=0, epochs=50,
                  random_state=0, progress=False):
    """Cross-validate each model over time-ordered folds.

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
        Show a progress bar over folds x models on stderr.

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
    ['NumpyMLPRegressor', 'Ridge']
    """
    from tqdm.auto import tqdm

    unknown = [m for m in models if m not in MODELS]
    if unknown:
        raise ValueError(f"unknown model(s) {', '.join(unknown)}; choose from "
                         f"{', '.join(MODELS)}")
    folds = time_series_folds(len(X), n_splits, gap)
    rows, last_fold = [], {}
    with tqdm(total=len(models) * len(folds), desc="folds x models", unit="fit",
              disable=not progress, file=sys.stderr) as bar:
        for name in models:
            label = MODELS[name]
            for k, (train, test) in enumerate(folds):
                bar.set_postfix_str(f"{label}, fold {k + 1}/{len(folds)}")
                with warnings.catch_warnings():
                    # the epoch cap is the user's choice, not a failure
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    scores = cross_validate(
                        make_model(name, epochs, random_state), X, y,
                        cv=[(train, test)], scoring=SCORING, return_estimator=True,
                        error_score="raise")
                rows.append({
                    "model": label, "fold": k + 1, "train_rows": len(train),
                    "test_rows": len(test), "mse": -scores["test_mse"][0],
                    "mae": -scores["test_mae"][0], "r2": scores["test_r2"][0],
                    "fit_seconds": scores["fit_time"][0]})
                bar.update()
            estimator = scores["estimator"][0]
            X_test = X.iloc[test] if hasattr(X, "iloc") else np.asarray(X)[test]
            y_test = y.iloc[test] if hasattr(y, "iloc") else np.asarray(y)[test]
            last_fold[label] = {
                "estimator": estimator, "y_true": np.asarray(y_test),
                "y_pred": estimator.predict(X_test),
                "index": getattr(y_test, "index", test)}
    per_fold = pd.DataFrame(rows)
    summary = per_fold.groupby("model").agg(
        mse_mean=("mse", "mean"), mse_std=("mse", "std"),
        mae_mean=("mae", "mean"), mae_std=("mae", "std"),
        r2_mean=("r2", "mean"), r2_std=("r2", "std"),
        fit_seconds=("fit_seconds", "mean"))
    settings = {"models": [MODELS[m] for m in models], "n_splits": n_splits,
                "gap": gap, "epochs": epochs, "random_state": random_state,
                "n_samples": len(X)}
    return BenchmarkResult(summary.sort_values("mse_mean"), per_fold, last_fold,
                           settings)


def load_csv(path, target, date_column=None, dropna=False):
    """Read features and target from a CSV file, with one-line errors.

    Parameters
    ----------
    path : str or Path
    target : str
        Name of the target column; every other column (but ``date_column``) is a
        feature.
    date_column : str, default=None
        Parsed as dates; rows are sorted by it and it becomes the index.
    dropna : bool, default=False
        Drop rows with NaN or infinite values instead of refusing them.

    Returns
    -------
    X : DataFrame of shape (n_samples, n_features)
    y : Series of shape (n_samples,)

    Raises
    ------
    DataError
        Missing file or column, non-numeric features, non-finite values.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"data file not found: {path}")
    try:
        frame = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as e:
        raise DataError(f"cannot read {path} as CSV: {e}") from None
    for role, column in (("target", target), ("date", date_column)):
        if column is not None and column not in frame.columns:
            raise DataError(f"{role} column {column!r} is not in {path.name}; its "
                            f"columns are: {', '.join(map(str, frame.columns))}")
    if date_column is not None:
        dates = pd.to_datetime(frame[date_column], errors="coerce")
        if dates.isna().any():
            raise DataError(f"date column {date_column!r} has "
                            f"{int(dates.isna().sum())} value(s) that are not dates")
        frame = frame.set_index(dates.rename(date_column)).drop(
            columns=date_column).sort_index(kind="stable")
    non_numeric = [str(c) for c in frame.columns
                   if not pd.api.types.is_numeric_dtype(frame[c])]
    if non_numeric:
        raise DataError(f"non-numeric column(s): {', '.join(non_numeric)}; encode "
                        "or drop them")
    values = frame.to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        if not dropna:
            counts = [f"{c} ({int(np.isnan(values[:, i]).sum())} NaN, "
                      f"{int(np.isinf(values[:, i]).sum())} inf)"
                      for i, c in enumerate(frame.columns) if bad[:, i].any()]
            raise DataError(f"non-finite values in {', '.join(counts)}; pass "
                            "--dropna to drop those rows")
        frame = frame[~bad.any(axis=1)]
    return frame.drop(columns=target), frame[target]


def write_report(result, out_dir):
    """Save the tables (CSV, JSON) and the figures (PNG) into ``out_dir``.

    Returns
    -------
    list of Path
        The files written.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from skquantnn.plotting import plot_learning_curve

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "results.csv", out / "results.json"]
    result.summary.to_csv(written[0])
    written[1].write_text(json.dumps({
        "settings": result.settings,
        "summary": result.summary.reset_index().to_dict(orient="records"),
        "folds": result.folds.to_dict(orient="records"),
    }, indent=2))
    for key in NEURAL_MODELS:
        label = MODELS[key]
        if label in result.last_fold:
            fig, ax = plt.subplots(figsize=(8, 4.5))
            plot_learning_curve(result.last_fold[label]["estimator"], ax=ax,
                                title=f"{label}: learning curve on the last fold")
            written.append(out / f"learning_curve_{key}.png")
            fig.savefig(written[-1], dpi=100)
            plt.close(fig)
    written.append(out / "predicted_vs_actual.png")
    _plot_predicted_vs_actual(result.last_fold, written[-1])
    return written


def _plot_predicted_vs_actual(last_fold, path):
    import matplotlib.pyplot as plt

    n = len(last_fold)
    fig, axes = plt.subplots(1, n, figsize=(4 * n, 4), squeeze=False)
    for ax, (label, fold) in zip(axes[0], last_fold.items(), strict=True):
        y_true, y_pred = fold["y_true"], fold["y_pred"]
        ax.scatter(y_true, y_pred, s=8, alpha=0.6)
        low, high = min(y_true.min(), y_pred.min()), max(y_true.max(), y_pred.max())
        ax.plot([low, high], [low, high], color="black", lw=1)
        ax.set(title=label, xlabel="actual", ylabel="predicted")
    fig.suptitle("Predicted vs actual, last fold")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
