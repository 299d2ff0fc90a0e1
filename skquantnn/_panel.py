"""The dates of a panel (rows indexed by date and asset), as integer codes.

A panel's dates come from the index of ``X`` (a level of a MultiIndex, or a
``DatetimeIndex``/``PeriodIndex``) or are given as ``groups``/``dates``. Every
consumer (the splitter, the rank scaler, the metrics and the estimators' held-out
rows) turns them into codes ``0 .. n_dates - 1`` in time order with
:func:`date_codes`, so that "no date on both sides" is a comparison of integers.
"""

import numpy as np
import pandas as pd
from sklearn.utils import _safe_indexing


def is_panel(dates):
    """Whether several rows share a date (``dates`` in any order; None: no)."""
    return dates is not None and len(np.unique(dates)) < len(dates)


def panel_dates(X, date_level=None):
    """Each row's date, read from ``X``'s index, or None if ``X`` carries none.

    Parameters
    ----------
    X : DataFrame, Series or array-like of shape (n_samples, ...)
    date_level : int, str or None, default=None
        The index level holding the dates. None takes the first level of a
        MultiIndex, or the index itself if it is a ``DatetimeIndex`` or a
        ``PeriodIndex``; any other index (a ``RangeIndex``, say) carries no dates.

    Returns
    -------
    dates : Index of shape (n_samples,) or None

    Raises
    ------
    ValueError
        Naming ``date_level``, if ``X`` has no such index level, or if it is given
        and ``X`` is not a pandas object.
    """
    index = getattr(X, "index", None)
    if not isinstance(index, pd.Index):
        if date_level is not None:
            raise ValueError(
                f"date_level={date_level!r} needs X as a DataFrame indexed by date "
                f"(and asset), got {type(X).__name__}.")
        return None
    if date_level is None:
        if isinstance(index, pd.MultiIndex):
            return index.get_level_values(0)
        if isinstance(index, pd.DatetimeIndex | pd.PeriodIndex):
            return index
        return None
    try:
        return index.get_level_values(date_level)
    except (KeyError, IndexError):
        raise ValueError(
            f"date_level={date_level!r} is not a level of X's index, whose levels "
            f"are {list(index.names)}.") from None


def date_codes(dates, name="the dates"):
    """Integer codes of ``dates``: 0 for the earliest date, 1 for the next, ...

    Parameters
    ----------
    dates : array-like of shape (n_samples,)
        Any sortable values: timestamps, periods, numbers or strings.
    name : str, default="the dates"
        What the messages call ``dates`` (the parameter or the index level).

    Returns
    -------
    codes : ndarray of shape (n_samples,), dtype int64
    distinct : Index of shape (n_dates,)
        The distinct dates in time order: ``distinct[codes]`` is ``dates``.

    Raises
    ------
    ValueError
        Naming ``name``, if a date is missing or the dates cannot be sorted.
    """
    values = dates if isinstance(dates, pd.Index) else np.asarray(dates)
    if values.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {values.shape}.")
    codes, uniques = pd.factorize(values)
    if (codes < 0).any():
        raise ValueError(f"{name} has {int((codes < 0).sum())} missing value(s).")
    try:
        # pandas' own sort puts numbers before strings; a date order must be real
        order = np.asarray(pd.Index(uniques).argsort())
    except TypeError as error:
        raise ValueError(f"{name} cannot be sorted: {error}") from None
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rank[codes].astype(np.int64, copy=False), pd.Index(uniques)[order]


def in_date_order(X, y, sample_weight):
    """A panel's rows sorted by date, and the date codes; other data unchanged.

    The estimators hold out the last dates of their training rows; a panel whose
    rows are not in date order (sorted by asset, say) is put in date order first.
    Rows of one date keep their order (a stable sort).

    Parameters
    ----------
    X : DataFrame or array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
    sample_weight : array-like of shape (n_samples,) or None

    Returns
    -------
    X, y, sample_weight
        In date order (the same objects if they were).
    codes : ndarray of shape (n_samples,) or None
        Non-decreasing date codes; None when ``X`` carries no dates (see
        :func:`panel_dates`).
    """
    dates = panel_dates(X)
    if dates is None:
        return X, y, sample_weight, None
    codes, _ = date_codes(dates, "the date level of X's index")
    rows = [a for a in (X, y, sample_weight) if np.ndim(a) > 0]   # not None
    if np.all(codes[1:] >= codes[:-1]) or {len(a) for a in rows} != {len(codes)}:
        # inconsistent lengths are reported by the estimator's own checks
        return X, y, sample_weight, codes
    order = np.argsort(codes, kind="stable")
    X, y, sample_weight = (_safe_indexing(a, order) if np.ndim(a) > 0 else a
                           for a in (X, y, sample_weight))
    return X, y, sample_weight, codes[order]
