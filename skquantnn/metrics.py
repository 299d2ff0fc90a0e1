"""Out-of-sample forecast evaluation: R² against a benchmark and forecast tests.

In return forecasting the natural yardstick is not the test-set mean (which nobody
knows at forecast time) but a benchmark forecast that *is* known then, typically
the historical mean of the training window. :func:`oos_r2_score` measures the
reduction in squared error relative to such a benchmark (Campbell & Thompson,
2008 [1]_). :func:`clark_west_test` asks whether that reduction is statistically
significant when the benchmark is nested in the model (Clark & West, 2007 [2]_),
and :func:`diebold_mariano_test` compares the accuracy of any two forecasts
(Diebold & Mariano, 1995 [3]_, with the small-sample correction of Harvey,
Leybourne & Newbold, 1997 [4]_). Both tests use a Newey-West (Bartlett kernel)
HAC standard error computed by ``statsmodels`` (``pip install skquantnn[data]``),
which is imported only when a test is run.

Forecasts of a cross-section (many assets per date) are judged as Gu, Kelly and
Xiu (2020) [5]_ judge them: :func:`long_short_returns` (the top quantile of
forecasts bought and the bottom one sold, date by date), its
:func:`sharpe_ratio`, and :func:`panel_diebold_mariano_test` (the loss
differential averaged within each date, then tested over dates).

References
----------
.. [1] J. Y. Campbell and S. B. Thompson, "Predicting excess stock returns out of
   sample: Can anything beat the historical average?", *Review of Financial
   Studies* 21(4), 2008.
.. [2] T. E. Clark and K. D. West, "Approximately normal tests for equal
   predictive accuracy in nested models", *Journal of Econometrics* 138(1), 2007.
.. [3] F. X. Diebold and R. S. Mariano, "Comparing predictive accuracy", *Journal
   of Business & Economic Statistics* 13(3), 1995.
.. [4] D. Harvey, S. Leybourne and P. Newbold, "Testing the equality of
   prediction mean squared errors", *International Journal of Forecasting* 13(2),
   1997.
.. [5] S. Gu, B. Kelly and D. Xiu, "Empirical asset pricing via machine
   learning", *Review of Financial Studies* 33(5), 2020.
"""

import math
from numbers import Integral, Real

import numpy as np
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
from skquantnn._panel_metrics import (
    long_short_returns,
    panel_diebold_mariano_test,
    sharpe_ratio,
)

__all__ = [
    "ForecastTestResult",
    "clark_west_test",
    "diebold_mariano_test",
    "long_short_returns",
    "oos_r2_score",
    "panel_diebold_mariano_test",
    "sharpe_ratio",
]

# -------------------------------------------------------------------------- metrics


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "y_benchmark": ["array-like", Real],
        "sample_weight": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def oos_r2_score(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    y_benchmark: ArrayLike | float,
    *,
    sample_weight: ArrayLike | None = None,
) -> float:
    """Out-of-sample R² of a forecast against a benchmark forecast.

    ``R²_OS = 1 - SSE(y_pred) / SSE(y_benchmark)`` (Campbell & Thompson, 2008),
    where ``SSE(f) = sum_i w_i * sum_k (y_true[i, k] - f[i, k]) ** 2``. Positive
    values mean the model's squared error is lower than the benchmark's. Unlike
    :func:`sklearn.metrics.r2_score`, whose implicit benchmark is the mean of
    ``y_true`` itself (unknown at forecast time), the benchmark here is any
    forecast available when the forecast is made, typically the mean of the
    training window. With ``y_benchmark = mean(y_true)`` the two coincide (for
    several outputs, ``r2_score(..., multioutput="variance_weighted")``: the
    squared errors are pooled over outputs, not their R² averaged).

    To pool several walk-forward folds, concatenate their test targets,
    predictions and benchmarks (for instance each fold's training mean repeated
    over its test block) and call the function once.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Realized values.
    y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
        The model's forecasts.
    y_benchmark : array-like of shape (n_samples,) or (n_samples, n_outputs), or \
float
        The benchmark's forecasts, or one number used for every sample and
        output.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weight of each sample (row); ``None`` weighs all rows
        equally.

    Returns
    -------
    score : float
        The out-of-sample R². For multi-output targets the squared errors of all
        outputs are pooled (summed) before the ratio is taken.

    Raises
    ------
    ValueError
        Naming the parameter, if an input is empty, contains NaN or infinity,
        or the shapes or numbers of samples differ; if a sample weight is
        negative or all are zero; or if the benchmark's squared error is zero
        (it forecasts ``y_true`` perfectly, so the ratio is undefined).

    See Also
    --------
    clark_west_test : Is the model significantly better than a nested benchmark?

    Examples
    --------
    >>> from skquantnn.metrics import oos_r2_score
    >>> y_true = [1.0, 2.0, 3.0, 4.0]
    >>> y_pred = [1.5, 2.0, 2.5, 4.0]        # SSE = 0.25 + 0 + 0.25 + 0 = 0.5
    >>> round(oos_r2_score(y_true, y_pred, 2.0), 4)   # SSE(2.0) = 1 + 0 + 1 + 4
    0.9167
    """
    y_true, arrays = check_forecasts(
        y_true,
        {"y_pred": y_pred, "y_benchmark": y_benchmark},
        allow_2d=True,
        scalar_ok=("y_benchmark",),
    )
    y_pred, y_benchmark = arrays["y_pred"], arrays["y_benchmark"]
    if sample_weight is None:
        weight = np.ones(len(y_true))
    else:
        weight = check_target(sample_weight, "sample_weight", allow_2d=False)
        if len(weight) != len(y_true):
            raise ValueError(
                f"sample_weight must have one entry per sample: got {len(weight)} "
                f"weights for {len(y_true)} samples in y_true."
            )
        if np.any(weight < 0):
            raise ValueError("sample_weight must be non-negative.")
        if not np.any(weight > 0):
            raise ValueError("sample_weight must have at least one positive entry.")
    sse_model = float(weight @ ((y_true - y_pred) ** 2).sum(axis=1))
    sse_benchmark = float(weight @ ((y_true - y_benchmark) ** 2).sum(axis=1))
    if sse_benchmark == 0:
        raise ValueError(
            "The squared error of y_benchmark is zero: the benchmark forecasts "
            "y_true perfectly, so the out-of-sample R² (1 - SSE(model) / "
            "SSE(benchmark)) is undefined."
        )
    return 1.0 - sse_model / sse_benchmark


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "y_benchmark": ["array-like", Real],
        "lags": LAGS_CONSTRAINT,
    },
    prefer_skip_nested_validation=True,
)
def clark_west_test(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    y_benchmark: ArrayLike | float,
    *,
    lags: int | None = None,
) -> ForecastTestResult:
    """Clark-West (2007) test of a model against a benchmark nested in it.

    When the benchmark (for example the historical mean) is a restricted version
    of the model, the model's estimation noise inflates its squared error under
    the null, and a plain comparison of mean squared prediction errors (MSPE) is
    biased against the model. Clark and West add back that noise term:

    ``f_t = (y_t - b_t) ** 2 - [(y_t - p_t) ** 2 - (b_t - p_t) ** 2]``,

    with ``b`` the benchmark and ``p`` the model's forecasts. ``f_t`` is
    regressed on a constant by OLS (statsmodels) with a Newey-West HAC
    covariance (``cov_type="HAC"``, Bartlett kernel, ``maxlags=lags``, no
    small-sample correction); the statistic is the t-statistic of the constant,
    compared with the standard normal distribution.

    Sign convention: H0 is equal MSPE; H1 is that the model beats the benchmark
    (lower MSPE). A large positive statistic, hence a small p-value
    ``pvalue = 1 - Phi(statistic)``, is evidence for the model.

    Parameters
    ----------
    y_true : array-like of shape (n_obs,)
        Realized values, in time order.
    y_pred : array-like of shape (n_obs,)
        The (larger) model's forecasts.
    y_benchmark : array-like of shape (n_obs,) or float
        The nested benchmark's forecasts, each known at forecast time, or one
        number for all periods.
    lags : int >= 0, default=None
        Number of lags of the HAC variance. ``None`` uses the Newey-West rule of
        thumb ``int(4 * (n_obs / 100) ** (2 / 9))`` (4 for 100 observations);
        ``0`` gives the heteroskedasticity-robust (HC0) variance with no
        autocorrelation correction. At most ``n_obs - 1``.

    Returns
    -------
    result : ForecastTestResult
        ``statistic`` (the HAC t-statistic), ``pvalue`` (one-sided),
        ``mean_loss_differential`` (the mean of ``f_t``), ``lags``, ``n_obs`` and
        ``alternative``.

    Raises
    ------
    ValueError
        Naming the parameter, for inputs of different lengths, with NaN or
        infinity, fewer than 2 observations, or ``lags`` negative, not an
        integer or larger than ``n_obs - 1``; and if ``f_t`` is constant (e.g.
        ``y_pred`` equals ``y_benchmark``). Invalid parameter types or values are
        reported by sklearn's ``InvalidParameterError``, which is both a
        ``ValueError`` and a ``TypeError``.
    TypeError
        If ``lags`` is a bool.
    ImportError
        If statsmodels is not installed.

    See Also
    --------
    oos_r2_score : The effect size that this test assesses.
    diebold_mariano_test : Comparison of two non-nested forecasts.

    Examples
    --------
    >>> import numpy as np
    >>> from skquantnn.metrics import clark_west_test
    >>> rng = np.random.default_rng(0)
    >>> signal = rng.normal(size=300)
    >>> y_true = signal + rng.normal(size=300)
    >>> result = clark_west_test(y_true, signal, y_benchmark=0.0)
    >>> result.lags, result.n_obs, bool(result.pvalue < 0.01)
    (5, 300, True)
    """
    y_true, arrays = check_forecasts(
        y_true,
        {"y_pred": y_pred, "y_benchmark": y_benchmark},
        allow_2d=False,
        scalar_ok=("y_benchmark",),
    )
    y_pred, y_benchmark = arrays["y_pred"], arrays["y_benchmark"]
    n_obs = len(y_true)
    lags = check_lags(lags, n_obs)
    loss_benchmark = (y_true - y_benchmark) ** 2
    loss_model = (y_true - y_pred) ** 2
    adjustment = (y_benchmark - y_pred) ** 2
    f = loss_benchmark - (loss_model - adjustment)
    statistic = hac_t_statistic(f, lags, loss_benchmark, loss_model, adjustment)
    return ForecastTestResult(
        statistic=statistic,
        pvalue=float(stats.norm.sf(statistic)),
        mean_loss_differential=float(f.mean()),
        lags=lags,
        n_obs=n_obs,
        alternative="the model (y_pred) has lower MSPE than the nested benchmark",
        method="Clark-West (normal)",
    )


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred_a": ["array-like"],
        "y_pred_b": ["array-like"],
        "lags": LAGS_CONSTRAINT,
        "loss": [StrOptions({"squared_error", "absolute_error"})],
        "harvey_correction": ["boolean"],
        "horizon": [Interval(Integral, 1, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def diebold_mariano_test(
    y_true: ArrayLike,
    y_pred_a: ArrayLike,
    y_pred_b: ArrayLike,
    *,
    lags: int | None = None,
    loss: str = "squared_error",
    harvey_correction: bool = True,
    horizon: int = 1,
) -> ForecastTestResult:
    """Diebold-Mariano (1995) test of equal predictive accuracy of two forecasts.

    The loss differential is ``d_t = L(y_t - a_t) - L(y_t - b_t)``, with ``L``
    the squared or absolute error and ``a``, ``b`` the two forecasts. ``d_t`` is
    regressed on a constant by OLS (statsmodels) with a Newey-West HAC
    covariance (``cov_type="HAC"``, Bartlett kernel, ``maxlags=lags``, no
    small-sample correction), and the statistic is the t-statistic of the
    constant, ``DM = mean(d) / sqrt(S / n)``.

    With ``harvey_correction=True`` (Harvey, Leybourne & Newbold, 1997) the
    statistic is multiplied by ``sqrt((n + 1 - 2h + h(h - 1) / n) / n)``, ``h``
    the forecast ``horizon`` (for one-step forecasts ``sqrt((n - 1) / n)``), and
    compared with Student's t distribution with ``n - 1`` degrees of freedom.
    The factor is applied to the HAC statistic whatever ``lags`` is. For
    one-step forecasts HLN's own variance uses no lags: pass ``lags=0`` to
    reproduce it exactly. For ``h``-step forecasts it sums ``h - 1``
    autocovariances with equal weights, where the HAC variance here weighs them
    by Bartlett's kernel: pass at least ``lags=h - 1``.
    With ``harvey_correction=False`` the uncorrected statistic is compared with
    the standard normal distribution.

    For a benchmark nested in the model, prefer :func:`clark_west_test`: this
    test is then undersized and biased towards the benchmark.

    Sign convention: H0 is equal expected loss; H1 is that forecast ``a`` has
    lower expected loss than forecast ``b``. A negative statistic (``a`` has the
    smaller mean loss) gives a small one-sided p-value ``pvalue = F(statistic)``,
    with ``F`` the t(n - 1) or standard normal CDF. A small p-value is evidence
    that ``a`` is more accurate than ``b``; a p-value near 1 points the other
    way (swap the forecasts to test that direction: the statistic changes sign
    and the p-value becomes ``1 - pvalue``).

    Parameters
    ----------
    y_true : array-like of shape (n_obs,)
        Realized values, in time order.
    y_pred_a : array-like of shape (n_obs,)
        Forecasts of model ``a`` (the candidate).
    y_pred_b : array-like of shape (n_obs,)
        Forecasts of model ``b`` (the reference).
    lags : int >= 0, default=None
        Number of lags of the HAC variance. ``None`` uses the Newey-West rule of
        thumb ``int(4 * (n_obs / 100) ** (2 / 9))`` (4 for 100 observations);
        ``0`` uses no autocorrelation correction. At most ``n_obs - 1``.
    loss : {"squared_error", "absolute_error"}, default="squared_error"
        The loss ``L`` applied to the forecast errors.
    harvey_correction : bool, default=True
        Apply the Harvey-Leybourne-Newbold small-sample correction for
        ``horizon`` and use t(n - 1) instead of the normal distribution.
    horizon : int >= 1, default=1
        The forecasts' horizon ``h`` in the correction (forecasts made ``h``
        periods ahead); it is used only with ``harvey_correction=True``.

    Returns
    -------
    result : ForecastTestResult
        ``statistic``, ``pvalue`` (one-sided, as above),
        ``mean_loss_differential`` (``mean(d)``: negative when ``a`` has the
        lower average loss), ``lags``, ``n_obs`` and ``alternative``.

    Raises
    ------
    ValueError
        Naming the parameter, for inputs of different lengths, with NaN or
        infinity, fewer than 2 observations, an unknown ``loss``, or ``lags``
        negative, not an integer or larger than ``n_obs - 1``, ``horizon`` not
        less than ``n_obs`` (with the correction); and if ``d_t`` is constant
        (e.g. identical forecasts). Invalid parameter types or values
        are reported by sklearn's ``InvalidParameterError``, which is both a
        ``ValueError`` and a ``TypeError``.
    TypeError
        If ``lags`` is a bool.
    ImportError
        If statsmodels is not installed.

    See Also
    --------
    clark_west_test : The test for a benchmark nested in the model.

    Examples
    --------
    >>> import numpy as np
    >>> from skquantnn.metrics import diebold_mariano_test
    >>> rng = np.random.default_rng(0)
    >>> y_true = rng.normal(size=200)
    >>> good = y_true + 0.5 * rng.normal(size=200)
    >>> bad = y_true + 1.0 * rng.normal(size=200)
    >>> result = diebold_mariano_test(y_true, good, bad)
    >>> bool(result.statistic < 0), bool(result.pvalue < 0.01)
    (True, True)
    >>> reverse = diebold_mariano_test(y_true, bad, good)
    >>> bool(np.isclose(reverse.statistic, -result.statistic))
    True
    """
    y_true, arrays = check_forecasts(
        y_true, {"y_pred_a": y_pred_a, "y_pred_b": y_pred_b}, allow_2d=False
    )
    n_obs = len(y_true)
    lags = check_lags(lags, n_obs)
    if harvey_correction and horizon >= n_obs:
        raise ValueError(
            f"horizon={horizon} must be less than the number of observations "
            f"({n_obs}) for the Harvey-Leybourne-Newbold correction.")
    error_a = y_true - arrays["y_pred_a"]
    error_b = y_true - arrays["y_pred_b"]
    if loss == "squared_error":
        loss_a, loss_b = error_a**2, error_b**2
    else:
        loss_a, loss_b = np.abs(error_a), np.abs(error_b)
    d = loss_a - loss_b
    statistic = hac_t_statistic(d, lags, loss_a, loss_b)
    if harvey_correction:
        h = horizon
        statistic *= math.sqrt((n_obs + 1 - 2 * h + h * (h - 1) / n_obs) / n_obs)
        pvalue = float(stats.t.cdf(statistic, df=n_obs - 1))
        method = f"Diebold-Mariano with HLN correction (t, {n_obs - 1} df)"
    else:
        pvalue = float(stats.norm.cdf(statistic))
        method = "Diebold-Mariano (normal)"
    return ForecastTestResult(
        statistic=statistic,
        pvalue=pvalue,
        mean_loss_differential=float(d.mean()),
        lags=lags,
        n_obs=n_obs,
        alternative=(
            f"y_pred_a has lower expected {loss.replace('_', ' ')} than y_pred_b"
        ),
        method=method,
    )
