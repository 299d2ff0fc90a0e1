"""Cross-validation of panels: folds made of whole dates, in time order.

scikit-learn's :class:`~sklearn.model_selection.TimeSeriesSplit` cuts between
rows. On a panel (many assets per date, a long table indexed by date and asset)
that puts one date's assets on both sides of a split, and the test rows share
that date's market shock with training rows. :class:`PanelTimeSeriesSplit` makes
``TimeSeriesSplit``'s folds out of the distinct dates instead.
"""

from numbers import Integral

import numpy as np
from sklearn.model_selection import BaseCrossValidator, TimeSeriesSplit

from skquantnn._panel import date_codes, panel_dates

__all__ = ["PanelTimeSeriesSplit"]


class PanelTimeSeriesSplit(BaseCrossValidator):
    """Time-series cross-validation of a panel by its dates.

    The distinct dates, in time order, are split as
    :class:`~sklearn.model_selection.TimeSeriesSplit` splits rows: the last
    ``n_splits * test_periods`` dates form ``n_splits`` consecutive test blocks of
    ``test_periods`` dates each, and each block's training set is every date before
    it (or the last ``max_train_periods`` of them) but the ``gap`` dates just
    before it. The first dates only ever train. Each fold returns the positions of
    all rows of its dates, so no date is on both sides of a split, whatever the
    order of the rows and however many assets each date has.

    The dates are ``groups`` when given (as ``cross_val_score(..., groups=dates)``
    passes them), otherwise a level of ``X``'s index (see ``date_level``).

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds (test blocks); at least 2.
    gap : int, default=0
        Dates left out between each training set and its test block (an
        embargo), for targets that overlap in time or features that lag.
    max_train_periods : int, default=None
        Train on at most this many of the latest dates (a rolling window); None
        trains on every earlier date (an expanding window).
    test_periods : int, default=None
        Dates per test block; None uses ``n_dates // (n_splits + 1)``, the
        largest size that leaves training dates for the first fold when ``gap``
        is 0.
    date_level : int or str, default=None
        The level of ``X``'s index that holds the dates when ``groups`` is not
        given. None takes the first level of a MultiIndex, or a
        ``DatetimeIndex``/``PeriodIndex`` itself.

    See Also
    --------
    sklearn.model_selection.TimeSeriesSplit : The same folds on rows.
    skquantnn.preprocessing.CrossSectionalRankScaler : Features ranked per date.

    Notes
    -----
    Every fold's test dates follow all of its training dates by more than
    ``gap`` periods. The test blocks do not cover the first dates, so
    :func:`~sklearn.model_selection.cross_val_predict`, which needs every row in
    exactly one test set, refuses these folds (as it refuses ``TimeSeriesSplit``'s);
    use :func:`~sklearn.model_selection.cross_validate` with
    ``return_indices=True`` instead. Under scikit-learn's metadata routing the
    splitter requests ``groups``.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from skquantnn.model_selection import PanelTimeSeriesSplit
    >>> index = pd.MultiIndex.from_tuples(
    ...     [(month, asset) for month in range(1, 7) for asset in "ab"],
    ...     names=["month", "asset"])
    >>> X = pd.DataFrame({"x": np.arange(12.0)}, index=index)
    >>> for train, test in PanelTimeSeriesSplit(n_splits=2, gap=1).split(X):
    ...     print(sorted(set(X.index[train].get_level_values("month"))),
    ...           sorted(set(X.index[test].get_level_values("month"))))
    [1] [3, 4]
    [1, 2, 3] [5, 6]
    """

    # scikit-learn's metadata routing hands this splitter the groups (dates)
    __metadata_request__split = {"groups": True}

    def __init__(self, n_splits=5, gap=0, max_train_periods=None, test_periods=None,
                 date_level=None):
        self.n_splits = n_splits
        self.gap = gap
        self.max_train_periods = max_train_periods
        self.test_periods = test_periods
        self.date_level = date_level

    def get_n_splits(self, X=None, y=None, groups=None):
        """The number of folds, ``n_splits``.

        Parameters
        ----------
        X, y, groups : object
            Ignored; present for scikit-learn's API.

        Returns
        -------
        n_splits : int
        """
        self._check_params()
        return self.n_splits

    def split(self, X, y=None, groups=None):
        """The ``(train, test)`` row positions of each fold.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            The panel; its index holds the dates unless ``groups`` is given.
        y : array-like of shape (n_samples,), default=None
            Ignored.
        groups : array-like of shape (n_samples,), default=None
            Each row's date (any sortable values); overrides ``X``'s index.

        Yields
        ------
        train : ndarray of shape (n_train,)
            Positions of the training rows, in increasing order.
        test : ndarray of shape (n_test,)
            Positions of the test rows, in increasing order.

        Raises
        ------
        ValueError
            In one line, naming the parameter: no dates (neither a date level in
            ``X``'s index nor ``groups``), dates that are missing or not sortable,
            fewer dates than ``n_splits`` and ``test_periods`` need, or a ``gap``
            that leaves the first fold no training dates.
        """
        self._check_params()
        codes, distinct = self._date_codes(X, groups)
        n_dates = len(distinct)
        n_splits, gap = self.n_splits, self.gap
        test_periods = self.test_periods or n_dates // (n_splits + 1)
        if n_dates < n_splits + 1:
            raise ValueError(
                f"n_splits={n_splits} needs at least {n_splits + 1} dates (one "
                f"to train and {n_splits} to test); the data has {n_dates}.")
        if n_dates - n_splits * test_periods < 1:
            raise ValueError(
                f"test_periods={test_periods} times n_splits={n_splits} is "
                f"{n_splits * test_periods} test dates, which leaves none of the "
                f"{n_dates} dates to train on.")
        if n_dates - n_splits * test_periods - gap < 1:
            raise ValueError(
                f"gap={gap} leaves the first fold no training dates: the first of "
                f"{n_splits} test blocks of {test_periods} dates starts at date "
                f"{n_dates - n_splits * test_periods + 1} of {n_dates}, and the "
                f"{gap} dates before it are left out.")
        # scikit-learn's arithmetic of folds, applied to the distinct dates
        by_dates = TimeSeriesSplit(n_splits, max_train_size=self.max_train_periods,
                                   test_size=test_periods, gap=gap)
        for train_dates, test_dates in by_dates.split(np.empty((n_dates, 1))):
            yield (_rows_of(codes, train_dates[0], train_dates[-1]),
                   _rows_of(codes, test_dates[0], test_dates[-1]))

    def _date_codes(self, X, groups):
        if groups is not None:
            if X is not None and len(groups) != len(X):
                raise ValueError(f"groups has {len(groups)} entries but X has "
                                 f"{len(X)} rows; give one date per row.")
            return date_codes(groups, "groups (the dates)")
        dates = panel_dates(X, self.date_level)
        if dates is None:
            raise ValueError(
                "PanelTimeSeriesSplit needs the rows' dates: pass X as a DataFrame "
                "whose index has a date level (date_level=None takes the first "
                "level of a MultiIndex) or pass groups=dates.")
        return date_codes(dates, f"the date level {dates.name or 0!r} of X's index")

    def _check_params(self):
        for name, low in (("n_splits", 2), ("gap", 0), ("max_train_periods", 1),
                          ("test_periods", 1)):
            value = getattr(self, name)
            if value is None and name in ("max_train_periods", "test_periods"):
                continue
            if not isinstance(value, Integral) or isinstance(value, bool) or \
                    value < low:
                raise ValueError(f"{name} must be an int >= {low}"
                                 f"{' or None' if low == 1 else ''}, got {value!r}.")


def _rows_of(codes, first, last):
    """Positions of the rows whose date code is in ``[first, last]``."""
    return np.flatnonzero((codes >= first) & (codes <= last))
