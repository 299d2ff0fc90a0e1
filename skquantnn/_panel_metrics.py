"""Measures of cross-sectional forecasts: the long-short portfolio of the
forecasts, its Sharpe ratio, and the panel Diebold-Mariano test of Gu, Kelly and
Xiu (2020). Public through :mod:`skquantnn.metrics`."""

import math
import warnings
from numbers import Integral, Real

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from skquantnn._forecast_tests import (
    LAGS_CONSTRAINT,
    ForecastTestResult,
    check_forecasts,
    check_lags,
    check_target,
    hac_t_statistic,
)
from skquantnn._panel import date_codes


def _check_dates(dates, n_samples):
    """Date codes of ``dates`` (one per sample) and the distinct dates in order."""
    if np.ndim(dates) != 1 or len(dates) != n_samples:
        raise ValueError(f"dates must have one entry per sample: got shape "
                         f"{np.shape(dates)} for {n_samples} samples in y_true.")
    codes, distinct = date_codes(dates, "dates")
    if distinct.name is None:
        distinct = distinct.rename(getattr(dates, "name", None) or "date")
    return codes, distinct


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "dates": ["array-like"],
        "n_quantiles": [Interval(Integral, 2, None, closed="left")],
        "weights": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def long_short_returns(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    dates: ArrayLike,
    n_quantiles: int = 10,
    weights: ArrayLike | None = None,
) -> pd.Series:
    """Per date, the return of buying the top quantile of forecasts and selling
    the bottom one.

    On each date the assets are ordered by ``y_pred`` and cut into
    ``n_quantiles`` groups of equal size (up to one asset: the ``i``-th of ``n``
    assets, counting from 0, falls in quantile ``floor(i * n_quantiles / n)``);
    the long-short return is the mean realised return ``y_true`` of the top
    quantile minus that of the bottom one, equally weighted or weighted by
    ``weights`` (market capitalisations, say). This is the portfolio by which Gu,
    Kelly and Xiu (2020) judge forecasts of the cross-section: it needs only the
    forecasts' order within a date, not their level.

    A date with fewer assets than ``n_quantiles`` (or whose long or short leg
    has zero total weight) is skipped, with a warning: its return is not in the
    result, not NaN. Forecasts tied across a quantile boundary are ordered as
    the rows are.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Realised returns, one row per asset and date, rows in any order.
    y_pred : array-like of shape (n_samples,)
        Their forecasts.
    dates : array-like of shape (n_samples,)
        Each row's date (any sortable values, such as a panel's date level).
    n_quantiles : int >= 2, default=10
        Number of quantile portfolios: 10 for deciles, 5 for quintiles.
    weights : array-like of shape (n_samples,), default=None
        Non-negative weight of each asset within its leg; None weighs equally.

    Returns
    -------
    returns : Series of shape (n_kept_dates,)
        The long-short return of each date with at least ``n_quantiles``
        assets, indexed by date in time order and named ``"long_short"``.
        ``returns.attrs["skipped_dates"]`` lists the dates left out and
        ``returns.attrs["n_quantiles"]`` the number of quantiles.

    Raises
    ------
    ValueError
        Naming the parameter, for inputs of different lengths or with NaN or
        infinity, negative weights, missing or unsortable dates, or if no date
        has ``n_quantiles`` assets.

    Warns
    -----
    UserWarning
        When dates are skipped, saying how many and which.

    See Also
    --------
    sharpe_ratio : The annualised Sharpe ratio of these returns.

    Examples
    --------
    >>> from skquantnn.metrics import long_short_returns
    >>> dates = ["2024-01"] * 4 + ["2024-02"] * 4
    >>> y_pred = [0.1, 0.4, 0.3, 0.2, 0.2, 0.1, 0.4, 0.3]
    >>> y_true = [0.01, 0.05, 0.02, 0.00, 0.03, -0.02, 0.01, 0.00]
    >>> long_short_returns(y_true, y_pred, dates, n_quantiles=2).round(4).tolist()
    [0.03, 0.0]
    """
    y_true, arrays = check_forecasts(y_true, {"y_pred": y_pred}, allow_2d=False)
    y_pred = arrays["y_pred"]
    codes, distinct = _check_dates(dates, len(y_true))
    if weights is None:
        w = np.ones(len(y_true))
    else:
        w = check_target(weights, "weights", allow_2d=False)
        if len(w) != len(y_true):
            raise ValueError(f"weights must have one entry per sample: got {len(w)} "
                             f"for {len(y_true)} samples in y_true.")
        if np.any(w < 0):
            raise ValueError("weights must be non-negative.")
    n_dates = len(distinct)
    # rows by date, then by forecast: each row's position within its date
    order = np.lexsort((y_pred, codes))
    sizes = np.bincount(codes, minlength=n_dates)
    first = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    sorted_codes = codes[order]
    position = np.arange(len(order)) - first[sorted_codes]
    quantile = position * n_quantiles // sizes[sorted_codes]
    legs = []
    for leg in (quantile == n_quantiles - 1, quantile == 0):
        rows, leg_codes = order[leg], sorted_codes[leg]
        weight = np.bincount(leg_codes, w[rows], minlength=n_dates)
        total = np.bincount(leg_codes, w[rows] * y_true[rows], minlength=n_dates)
        legs.append((total, weight))
    (long_sum, long_w), (short_sum, short_w) = legs
    keep = (sizes >= n_quantiles) & (long_w > 0) & (short_w > 0)
    if not keep.any():
        raise ValueError(
            f"No date has at least n_quantiles={n_quantiles} assets with weight in "
            f"both legs (the largest date has {sizes.max()} assets).")
    with np.errstate(invalid="ignore", divide="ignore"):
        spread = long_sum / long_w - short_sum / short_w
    skipped = distinct[~keep]
    if len(skipped):
        warnings.warn(
            f"long_short_returns skipped {len(skipped)} of {n_dates} dates with "
            f"fewer than n_quantiles={n_quantiles} assets or an unweighted leg: "
            f"{', '.join(map(str, skipped[:5]))}{', ...' if len(skipped) > 5 else ''}",
            UserWarning, stacklevel=2)
    returns = pd.Series(spread[keep], index=distinct[keep], name="long_short")
    returns.attrs.update(skipped_dates=list(skipped), n_quantiles=n_quantiles)
    return returns


@validate_params(
    {
        "returns": ["array-like"],
        "periods_per_year": [Interval(Real, 0, None, closed="neither")],
    },
    prefer_skip_nested_validation=True,
)
def sharpe_ratio(returns: ArrayLike, periods_per_year: float = 12) -> float:
    """The annualised Sharpe ratio of a series of (excess) returns.

    ``mean(returns) / std(returns, ddof=1) * sqrt(periods_per_year)``. For a
    long-short portfolio, which costs nothing to hold, the returns are already
    excess returns.

    Parameters
    ----------
    returns : array-like of shape (n_periods,)
        One return per period, such as :func:`long_short_returns`'s.
    periods_per_year : float > 0, default=12
        12 for monthly returns, 52 for weekly, 252 for daily.

    Returns
    -------
    sharpe : float

    Raises
    ------
    ValueError
        Naming ``returns``, if it has NaN or infinity, fewer than 2 values, or
        no variation.

    Examples
    --------
    >>> from skquantnn.metrics import sharpe_ratio
    >>> round(sharpe_ratio([0.01, 0.03, -0.01, 0.02]), 4)   # 0.0125 / 0.01708
    2.5355
    """
    values = check_target(returns, "returns", allow_2d=False)
    if len(values) < 2:
        raise ValueError(f"returns needs at least 2 values for a standard "
                         f"deviation, got {len(values)}.")
    scale = values.std(ddof=1)
    if not scale > 0:
        raise ValueError("returns does not vary: its standard deviation is 0, so "
                         "the Sharpe ratio is undefined.")
    return float(values.mean() / scale * math.sqrt(periods_per_year))


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred_a": ["array-like"],
        "y_pred_b": ["array-like"],
        "dates": ["array-like"],
        "lags": LAGS_CONSTRAINT,
        "loss": [StrOptions({"squared_error", "absolute_error"})],
    },
    prefer_skip_nested_validation=True,
)
def panel_diebold_mariano_test(
    y_true: ArrayLike,
    y_pred_a: ArrayLike,
    y_pred_b: ArrayLike,
    dates: ArrayLike,
    *,
    lags: int | None = None,
    loss: str = "squared_error",
) -> ForecastTestResult:
    """Diebold-Mariano test of two forecasts of a panel, date by date (GKX 2020).

    The errors of the assets of one date share that date's shocks, so a
    Diebold-Mariano test on the rows would overstate the evidence. Gu, Kelly and
    Xiu (2020) average the loss differential within each date first::

        d_t = (1 / n_t) * sum_i [L(y_it - a_it) - L(y_it - b_it)]

    and test the mean of the time series ``d_t`` (dates in time order) with a
    Newey-West HAC standard error, as :func:`diebold_mariano_test` does for one
    series (statsmodels OLS on a constant, ``cov_type="HAC"``, Bartlett kernel,
    ``maxlags=lags``), against the standard normal distribution.

    Sign convention (as :func:`diebold_mariano_test`): H1 is that forecast ``a``
    has the lower expected loss; a negative statistic gives a small p-value
    ``pvalue = Phi(statistic)``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Realised values, one row per asset and date, rows in any order.
    y_pred_a : array-like of shape (n_samples,)
        Forecasts of model ``a`` (the candidate).
    y_pred_b : array-like of shape (n_samples,)
        Forecasts of model ``b`` (the reference).
    dates : array-like of shape (n_samples,)
        Each row's date (any sortable values).
    lags : int >= 0, default=None
        Lags of the HAC variance; None uses ``int(4 * (n_dates / 100) ** (2 /
        9))``. At most ``n_dates - 1``.
    loss : {"squared_error", "absolute_error"}, default="squared_error"

    Returns
    -------
    result : ForecastTestResult
        ``n_obs`` is the number of dates; ``mean_loss_differential`` the mean of
        ``d_t`` (negative when ``a`` has the lower average loss).

    Raises
    ------
    ValueError
        Naming the parameter, for inputs of different lengths, with NaN or
        infinity, missing or unsortable dates, fewer than 2 dates, an invalid
        ``lags``; and if ``d_t`` is constant.
    ImportError
        If statsmodels is not installed.

    See Also
    --------
    diebold_mariano_test : The test on one time series.

    Examples
    --------
    >>> import numpy as np
    >>> from skquantnn.metrics import panel_diebold_mariano_test
    >>> rng = np.random.default_rng(0)
    >>> dates = np.repeat(np.arange(60), 50)              # 60 months, 50 stocks
    >>> signal = rng.normal(size=3000)
    >>> y = signal + rng.normal(size=60)[dates] + rng.normal(size=3000)
    >>> result = panel_diebold_mariano_test(y, signal, np.zeros(3000), dates)
    >>> result.n_obs, bool(result.statistic < 0), bool(result.pvalue < 0.01)
    (60, True, True)
    """
    y_true, arrays = check_forecasts(
        y_true, {"y_pred_a": y_pred_a, "y_pred_b": y_pred_b}, allow_2d=False)
    codes, distinct = _check_dates(dates, len(y_true))
    n_dates = len(distinct)
    if n_dates < 2:
        raise ValueError(f"The panel test needs at least 2 dates, got {n_dates} in "
                         "dates.")
    lags = check_lags(lags, n_dates)
    per_date = []
    for forecast in (arrays["y_pred_a"], arrays["y_pred_b"]):
        error = y_true - forecast
        row_loss = error**2 if loss == "squared_error" else np.abs(error)
        per_date.append(np.bincount(codes, row_loss, minlength=n_dates)
                        / np.bincount(codes, minlength=n_dates))
    loss_a, loss_b = per_date
    d = loss_a - loss_b
    statistic = hac_t_statistic(d, lags, loss_a, loss_b)
    return ForecastTestResult(
        statistic=statistic,
        pvalue=float(stats.norm.cdf(statistic)),
        mean_loss_differential=float(d.mean()),
        lags=lags,
        n_obs=n_dates,
        alternative=(
            f"y_pred_a has lower expected {loss.replace('_', ' ')} than y_pred_b"
        ),
        method="Panel Diebold-Mariano (normal), per-date mean loss differential",
    )
