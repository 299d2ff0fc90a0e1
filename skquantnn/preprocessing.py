"""Features of a panel scaled within each date: cross-sectional ranks."""

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import validate_data

from skquantnn._panel import date_codes, panel_dates

__all__ = ["CrossSectionalRankScaler"]


class CrossSectionalRankScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Each feature's rank within its date, mapped into [-1, 1].

    Gu, Kelly and Xiu (2020) rank every stock characteristic cross-sectionally,
    month by month, and map the ranks into [-1, 1]: the transformation that makes
    characteristics of different units and skew comparable, and that keeps a
    month's outliers from dominating it. For a date with ``n`` non-missing values
    of a feature, the value of rank ``r`` (1 for the smallest; ties get their
    average rank) becomes::

        2 * r / (n + 1) - 1

    a grid symmetric around 0 inside (-1, 1) (as in
    :func:`skquantnn.datasets.make_gkx_panel`). Missing values become 0, the
    middle rank, as GKX fill them with the cross-sectional median.

    The transformer is stateless: each row is scaled by its own date's rows, so
    nothing is learnt from training dates, and ``fit`` only records the number
    and names of the features. The dates are a level of ``X``'s index; ``X``
    without one (a NumPy array, or a DataFrame with a ``RangeIndex``) is a single
    cross-section, one date's assets, as when scoring the latest date in
    production. Put it first in a ``Pipeline`` and set the pipeline's output to
    pandas (``set_output(transform="pandas")``) to hand the index on to later
    steps.

    Parameters
    ----------
    date_level : int or str, default=None
        The level of ``X``'s index that holds the dates. None takes the first
        level of a MultiIndex, or a ``DatetimeIndex``/``PeriodIndex`` itself; an
        index with neither makes all rows one date.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during ``fit``, when ``X`` had string column
        names.

    See Also
    --------
    skquantnn.model_selection.PanelTimeSeriesSplit : Folds of whole dates.
    sklearn.preprocessing.QuantileTransformer : Ranks over all rows, learnt at fit.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from skquantnn.preprocessing import CrossSectionalRankScaler
    >>> index = pd.MultiIndex.from_tuples(
    ...     [("2024-01", "a"), ("2024-01", "b"), ("2024-01", "c"),
    ...      ("2024-02", "a"), ("2024-02", "b")], names=["month", "asset"])
    >>> X = pd.DataFrame({"size": [10.0, 30.0, 20.0, 5.0, np.nan]}, index=index)
    >>> CrossSectionalRankScaler().fit_transform(X).ravel().tolist()
    [-0.5, 0.5, 0.0, 0.0, 0.0]
    """

    def __init__(self, date_level=None):
        self.date_level = date_level

    def fit(self, X, y=None):
        """Record the number and names of the features; nothing else is learnt.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        self : CrossSectionalRankScaler
        """
        validate_data(self, X, dtype=np.float64, ensure_all_finite="allow-nan")
        return self

    def transform(self, X):
        """Rank each feature within each date and map the ranks into [-1, 1].

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Rows in any order; NaN allowed (it becomes 0).

        Returns
        -------
        X_ranked : ndarray or DataFrame of shape (n_samples, n_features)
            ``2 * r / (n + 1) - 1`` per feature and date; a DataFrame with ``X``'s
            index under ``set_output(transform="pandas")``.

        Raises
        ------
        ValueError
            Naming ``date_level``, if ``X`` has no such index level or its dates
            are missing or cannot be sorted.
        """
        dates = panel_dates(X, self.date_level)
        values = validate_data(self, X, reset=False, dtype=np.float64,
                               ensure_all_finite="allow-nan")
        frame = pd.DataFrame(values)
        if dates is None:
            ranks, counts = frame.rank(), frame.count()
        else:
            codes, _ = date_codes(dates, f"the date level {dates.name or 0!r} of X")
            by_date = frame.groupby(codes)
            ranks, counts = by_date.rank(), by_date.transform("count")
        scaled = (2.0 * ranks / (counts + 1.0) - 1.0).fillna(0.0)
        return scaled.to_numpy(dtype=np.float64)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.allow_nan = True
        tags.transformer_tags.preserves_dtype = ["float64"]
        return tags
