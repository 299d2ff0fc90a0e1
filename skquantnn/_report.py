"""What the main job reads and writes: a user's CSV file, and the report.

It owns the models' names and the data error, which ``benchmark`` imports and
re-exports: ``benchmark`` imports this module, never the other way round.

:func:`load_csv` reads features and a target with one-line errors;
:func:`write_report` saves the tables of one or several
:class:`~skquantnn.benchmark.BenchmarkResult` (``results.csv``, ``results.json``)
and their figures.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd

#: Short names accepted by ``models`` and the names shown in tables.
MODELS = {
    "numpy": "NumpyMLPRegressor",
    "keras": "KerasMLPRegressor",
    "ridge": "RidgeCV",
    "hgb": "HistGradientBoostingRegressor",
}
#: The models with learning curves.
NEURAL_MODELS = ("numpy", "keras")


class DataError(ValueError):
    """The data cannot be benchmarked; the message says why in one line."""


def load_csv(path, target, date_column=None, dropna=False, asset_column=None):
    """Read features and target from a CSV file, with one-line errors.

    Parameters
    ----------
    path : str or Path
    target : str
        Name of the target column; every other column (but ``date_column`` and
        ``asset_column``) is a feature.
    date_column : str, default=None
        Parsed as dates; rows are sorted by it and it becomes the index.
    dropna : bool, default=False
        Drop rows with NaN or infinite values instead of refusing them.
    asset_column : str, default=None
        A long panel (one row per date and asset): the index becomes
        ``(date_column, asset_column)``, rows sorted by date, then asset. Needs
        ``date_column``.

    Returns
    -------
    X : DataFrame of shape (n_samples, n_features)
    y : Series of shape (n_samples,)

    Raises
    ------
    DataError
        Missing file or column, non-numeric features, non-finite values, an
        asset column without a date column, or a (date, asset) pair twice.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"data file not found: {path}")
    try:
        frame = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as e:
        raise DataError(f"cannot read {path} as CSV: {e}") from None
    for role, column in (("target", target), ("date", date_column),
                         ("asset", asset_column)):
        if column is not None and column not in frame.columns:
            raise DataError(f"{role} column {column!r} is not in {path.name}; its "
                            f"columns are: {', '.join(map(str, frame.columns))}")
    if asset_column is not None:
        frame = _panel_index(frame, date_column, asset_column)
    elif date_column is not None:
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


def _panel_index(frame, date_column, asset_column):
    """``load_csv``'s long panel: indexed by (date, asset), sorted by both."""
    if date_column is None:
        raise DataError(f"asset column {asset_column!r} needs a date column "
                        "(--date-column)")
    dates = pd.to_datetime(frame[date_column], errors="coerce")
    if dates.isna().any():
        raise DataError(f"date column {date_column!r} has "
                        f"{int(dates.isna().sum())} value(s) that are not dates")
    index = pd.MultiIndex.from_arrays([dates, frame[asset_column]],
                                      names=[date_column, asset_column])
    if index.has_duplicates:
        raise DataError(f"{int(index.duplicated().sum())} (date, asset) pair(s) of "
                        f"columns {date_column!r} and {asset_column!r} appear twice")
    return frame.drop(columns=[date_column, asset_column]).set_index(
        index).sort_index(kind="stable")


def write_report(results, out_dir):
    """Save the tables (CSV, JSON) and the figures (PNG) into ``out_dir``.

    Parameters
    ----------
    results : BenchmarkResult or dict of str to BenchmarkResult
        One result per data set, by name.
    out_dir : str or Path

    ``results.csv`` has one row per data set and model (columns ``dataset``,
    ``model``, ``oos_r2``, ``cw_pvalue``, ``dm_pvalue_vs_ridge``, the error
    measures and the fit time). ``results.json`` holds, per data set, the
    settings, that table, every fold's scores, and every test row's index label,
    target, benchmark forecast and model forecasts, from which every figure can
    be recomputed. Each data set's figures go into a folder of its name: the
    cumulative squared-error difference against the historical mean over time,
    the networks' learning curves and predicted against actual on the last fold.
    For a panel (:class:`~skquantnn.benchmark.PanelBenchmarkResult`) the
    cumulative plots are per date: the long-short portfolio's return and the
    squared-error difference summed over each date's assets; ``results.json``
    then also holds each date's long-short return per model, and the index of the
    predictions as one list per level (date, asset).

    Returns
    -------
    list of Path
        The files written.
    """
    import matplotlib

    matplotlib.use("Agg")
    if not isinstance(results, dict):
        results = {"data": results}
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "results.csv", out / "results.json"]
    pd.concat([r.summary.reset_index().assign(dataset=name)
               for name, r in results.items()]).set_index(
        ["dataset", "model"]).to_csv(written[0])
    written[1].write_text(json.dumps(
        {name: _as_json(r) for name, r in results.items()}, indent=1,
        default=_plain))
    for name, result in results.items():
        written += _figures(result, out / name)
    return written


def _plain(value):
    """JSON for what ``json`` cannot write itself: NumPy scalars, timestamps."""
    if isinstance(value, np.generic):
        return value.item()
    return str(value)


def _as_json(result):
    frame = result.predictions
    summary = result.summary.reset_index().replace({np.nan: None})
    report = {
        "settings": result.settings,
        "summary": summary.to_dict(orient="records"),
        "folds": result.folds.to_dict(orient="records"),
        "predictions": {
            "index": [str(label) for label in frame.index],
            **{column: frame[column].tolist() for column in frame.columns},
        },
    }
    if isinstance(frame.index, pd.MultiIndex):     # a panel: a list per level
        report["predictions"]["index"] = {
            str(name or k): [str(v) for v in frame.index.get_level_values(k)]
            for k, name in enumerate(frame.index.names)}
    if hasattr(result, "long_short"):
        report["long_short"] = {
            "index": [str(d) for d in result.long_short.index],
            **{m: result.long_short[m].tolist() for m in result.long_short}}
    return report


def _figures(result, folder):
    import matplotlib.pyplot as plt

    from skquantnn.plotting import plot_cumulative_sse_difference, plot_learning_curve

    folder.mkdir(parents=True, exist_ok=True)
    if hasattr(result, "long_short"):         # a panel: per-date figures
        from skquantnn._panel_benchmark import panel_figures

        written = panel_figures(result, folder)
    else:
        written = [folder / "cumulative_sse_difference.png"]
        frame = result.predictions
        fig, ax = plt.subplots(figsize=(9, 4.5))
        plot_cumulative_sse_difference(
            frame["y_true"], {m: frame[m] for m in result.summary.index},
            frame["benchmark"], ax=ax)
        fig.tight_layout()
        fig.savefig(written[-1], dpi=100)
        plt.close(fig)
    for key in NEURAL_MODELS:
        label = MODELS[key]
        if label in result.last_fold:
            fig, ax = plt.subplots(figsize=(8, 4.5))
            plot_learning_curve(result.last_fold[label]["estimator"], ax=ax,
                                title=f"{label}: learning curve on the last fold")
            written.append(folder / f"learning_curve_{key}.png")
            fig.savefig(written[-1], dpi=100)
            plt.close(fig)
    written.append(folder / "predicted_vs_actual.png")
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
