"""What the forecast measures share: input checks, the HAC t-statistic and the
result object of a forecast test."""

import math
from dataclasses import dataclass
from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_array, check_consistent_length

LAGS_CONSTRAINT = [None, Interval(Integral, 0, None, closed="left")]


@dataclass(frozen=True, repr=False)
class ForecastTestResult:
    """Result of :func:`clark_west_test`, :func:`diebold_mariano_test` or
    :func:`panel_diebold_mariano_test`.

    Attributes
    ----------
    statistic : float
        The test statistic (a HAC t-statistic; for Diebold-Mariano with
        ``harvey_correction=True`` the corrected one).
    pvalue : float
        One-sided p-value for the alternative described by ``alternative``:
        small values are evidence for it.
    mean_loss_differential : float
        Mean of the series that is tested: the mean adjusted MSPE differential
        ``mean(f_t)`` for Clark-West, ``mean(L(e_a) - L(e_b))`` for
        Diebold-Mariano.
    lags : int
        Number of lags of the Newey-West (Bartlett kernel) HAC variance.
    n_obs : int
        Number of forecasts (time periods) used.
    alternative : str
        The alternative hypothesis H1, in words.
    method : str
        Name of the test, including the reference distribution.
    """

    statistic: float
    pvalue: float
    mean_loss_differential: float
    lags: int
    n_obs: int
    alternative: str
    method: str = ""

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(method={self.method!r}, "
            f"statistic={self.statistic:.4g}, pvalue={self.pvalue:.4g}, "
            f"mean_loss_differential={self.mean_loss_differential:.4g}, "
            f"lags={self.lags}, n_obs={self.n_obs}, "
            f"alternative={self.alternative!r})"
        )


# --------------------------------------------------------------------------- checks


def check_target(y, name, *, allow_2d):
    """``y`` as a float64 array of shape (n,) or, if allowed, (n, k)."""
    if np.ndim(y) == 0:
        raise ValueError(f"{name} must be an array, got a scalar: {y!r}.")
    y = check_array(
        y,
        ensure_2d=False,
        allow_nd=True,
        dtype=np.float64,
        ensure_all_finite=True,
        ensure_min_samples=0,
        input_name=name,
    )
    if y.shape[0] == 0 or y.size == 0:
        raise ValueError(f"{name} is empty (shape {y.shape}); it needs at least 1 row.")
    if y.ndim == 2 and y.shape[1] == 1 and not allow_2d:
        y = y[:, 0]
    max_ndim = 2 if allow_2d else 1
    if y.ndim > max_ndim:
        expected = "(n_samples,) or (n_samples, n_outputs)"
        if not allow_2d:
            expected = "(n_samples,)"
        raise ValueError(f"{name} must have shape {expected}, got shape {y.shape}.")
    return y


def check_forecasts(y_true, forecasts, *, allow_2d, scalar_ok=()):
    """Validate ``y_true`` and a dict of forecasts; return arrays of one shape.

    Forecasts named in ``scalar_ok`` may be a real scalar, broadcast to the shape
    of ``y_true``. For multi-output input, a 1-D array is read as one column.
    """
    y_true = check_target(y_true, "y_true", allow_2d=allow_2d)
    arrays, scalars = {}, {}
    for name, value in forecasts.items():
        if name in scalar_ok and np.ndim(value) == 0:
            value = float(value)
            if not math.isfinite(value):
                raise ValueError(f"{name} must be finite, got {value!r}.")
            scalars[name] = value
        else:
            arrays[name] = check_target(value, name, allow_2d=allow_2d)
    names = ["y_true", *arrays]
    try:
        check_consistent_length(y_true, *arrays.values())
    except ValueError as exc:
        lengths = [len(y_true), *(len(a) for a in arrays.values())]
        found = ", ".join(f"{n}: {k}" for n, k in zip(names, lengths, strict=True))
        raise ValueError(
            f"{', '.join(names[:-1])} and {names[-1]} must have the same number "
            f"of samples, got {found}."
        ) from exc
    if allow_2d:
        y_true = y_true.reshape(len(y_true), -1)
    arrays.update({name: np.full(y_true.shape, v) for name, v in scalars.items()})
    for name, array in arrays.items():
        if allow_2d:
            array = arrays[name] = array.reshape(len(array), -1)
        if array.shape != y_true.shape:
            raise ValueError(
                f"{name} must have the same shape as y_true, got {array.shape} and "
                f"{y_true.shape}."
            )
    return y_true, arrays


def check_lags(lags, n_obs):
    """The number of HAC lags: the Newey-West rule of thumb when ``None``."""
    if n_obs < 2:
        raise ValueError(
            f"At least 2 observations are needed for a forecast test, got {n_obs} "
            "in y_true."
        )
    if isinstance(lags, bool | np.bool_):
        raise TypeError(f"lags must be None or a non-negative int, got {lags!r}.")
    if lags is None:
        lags = int(4 * (n_obs / 100) ** (2 / 9))
    lags = int(lags)
    if lags > n_obs - 1:
        raise ValueError(
            f"lags must be at most n_obs - 1 = {n_obs - 1}, got lags={lags}."
        )
    return lags


def hac_t_statistic(series, lags, *terms):
    """t-statistic of the mean of ``series`` with a Newey-West HAC variance.

    ``series`` is regressed on a constant by statsmodels OLS with
    ``cov_type="HAC"`` (Bartlett kernel, ``maxlags=lags``, no small-sample
    correction), so the variance of the mean is ``S / n`` with
    ``S = gamma_0 + 2 * sum_{j=1..lags} (1 - j / (lags + 1)) * gamma_j`` and
    ``gamma_j = (1/n) * sum_t (d_t - dbar) * (d_{t-j} - dbar)``.

    ``terms`` are the arrays that ``series`` was computed from: a series that
    varies by no more than their rounding error counts as constant.
    """
    try:
        from statsmodels.regression.linear_model import OLS
    except ImportError as exc:
        raise ImportError(
            "The forecast tests need statsmodels for the HAC standard error: "
            "pip install skquantnn[data]"
        ) from exc
    scale = max([np.max(np.abs(series)), *(np.max(np.abs(t)) for t in terms)])
    if np.ptp(series) <= 64 * np.finfo(np.float64).eps * scale:
        raise ValueError(
            "The tested loss differential is constant up to rounding (for instance "
            "the two forecasts are identical or have identical losses, or the "
            "model's forecast equals the benchmark), so its HAC variance is zero "
            "and the test statistic is undefined."
        )
    fit = OLS(series, np.ones((len(series), 1))).fit(
        cov_type="HAC", cov_kwds={"maxlags": lags}
    )
    return float(fit.tvalues[0])
