"""Tests of skquantnn.metrics against hand arithmetic and independent NumPy code.

No expected value here comes from the code under test: the out-of-sample R² is
checked against arithmetic written out in the tests and against scikit-learn's
``r2_score``, the forecast tests against a Newey-West t-statistic computed below
with plain NumPy and p-values from scipy.stats.
"""

import dataclasses
import math
import sys

import numpy as np
import pytest
from scipy import stats
from sklearn.metrics import r2_score

from skquantnn.metrics import (
    ForecastTestResult,
    clark_west_test,
    diebold_mariano_test,
    oos_r2_score,
)

# ----------------------------------------------------------------- reference code


def newey_west_tstat(d, lags, df_correction=False):
    """t-statistic of mean(d) with a Bartlett-kernel HAC variance, by hand.

    S = gamma_0 + 2 * sum_{j=1..L} (1 - j / (L + 1)) * gamma_j, with
    gamma_j = (1/n) * sum_t (d_t - dbar) * (d_{t-j} - dbar); var(dbar) = S / n.
    ``df_correction`` multiplies S by n / (n - 1), which statsmodels does NOT do.
    """
    d = np.asarray(d, dtype=float)
    n = len(d)
    u = d - d.mean()
    s = np.sum(u * u) / n
    for j in range(1, lags + 1):
        gamma_j = np.sum(u[j:] * u[:-j]) / n
        s += 2.0 * (1.0 - j / (lags + 1)) * gamma_j
    if df_correction:
        s *= n / (n - 1)
    return d.mean() / math.sqrt(s / n)


def hln_factor(n, h=1):
    """Harvey-Leybourne-Newbold (1997) small-sample factor."""
    return math.sqrt((n + 1 - 2 * h + h * (h - 1) / n) / n)


def autocorrelated_forecasts(seed, n=120):
    """Target, a benchmark nested in the model, and the model's forecast, with
    AR(1) errors so that the loss differentials are autocorrelated."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    e = np.zeros(n)
    for t in range(1, n):
        e[t] = 0.6 * e[t - 1] + rng.normal()
    y = 0.4 * x + e
    benchmark = np.full(n, 0.1) + 0.05 * rng.normal(size=n)
    model = benchmark + 0.3 * x + 0.2 * rng.normal(size=n)
    return y, model, benchmark


def null_nested_forecasts(seed=0, n=240, window=60):
    """y is i.i.d. around a constant; the benchmark is the expanding historical
    mean (known at forecast time); the model is the benchmark plus pure noise."""
    rng = np.random.default_rng(seed)
    y_all = 0.5 + rng.normal(size=n + window)
    benchmark = np.array([y_all[: window + t].mean() for t in range(n)])
    y = y_all[window:]
    model = benchmark + 0.5 * rng.normal(size=n)
    return y, model, benchmark


# ------------------------------------------------------------------- oos_r2_score


def test_oos_r2_hand_example_scalar_benchmark():
    y_true = [1.0, 2.0, 3.0, 4.0]
    y_pred = [1.5, 2.0, 2.5, 4.0]
    # SSE(model) = 0.5^2 + 0 + 0.5^2 + 0 = 0.5
    # SSE(benchmark 2) = 1^2 + 0 + 1^2 + 2^2 = 6
    assert oos_r2_score(y_true, y_pred, 2.0) == pytest.approx(1 - 0.5 / 6)
    assert oos_r2_score(y_true, y_pred, 2.0) == pytest.approx(11 / 12)


def test_oos_r2_pooled_folds_hand_example():
    # Fold 1: training mean 2, test y = [3, 5], forecasts [2.5, 4].
    # Fold 2: training mean 3, test y = [4, 2], forecasts [3.5, 3].
    y_true = np.array([3.0, 5.0, 4.0, 2.0])
    y_pred = np.array([2.5, 4.0, 3.5, 3.0])
    y_benchmark = np.array([2.0, 2.0, 3.0, 3.0])
    # SSE(model) = 0.25 + 1 + 0.25 + 1 = 2.5
    # SSE(benchmark) = 1 + 9 + 1 + 1 = 12
    pooled = oos_r2_score(y_true, y_pred, y_benchmark)
    assert pooled == pytest.approx(1 - 2.5 / 12)
    # Pooling is not the average of the folds' R²: fold 1 gives 1 - 1.25 / 10,
    # fold 2 gives 1 - 1.25 / 2, average 0.625.
    assert pooled != pytest.approx((0.875 + 0.375) / 2)
    assert oos_r2_score(y_true[:2], y_pred[:2], 2.0) == pytest.approx(0.875)
    assert oos_r2_score(y_true[2:], y_pred[2:], 3.0) == pytest.approx(0.375)


def test_oos_r2_negative_when_model_is_worse():
    # SSE(model) = 4 + 4 = 8, SSE(benchmark 0) = 1 + 1 = 2: 1 - 8 / 2 = -3
    assert oos_r2_score([1.0, -1.0], [-1.0, 1.0], 0.0) == pytest.approx(-3.0)


def test_oos_r2_sample_weight_hand_example():
    y_true = [1.0, 2.0, 3.0, 4.0]
    y_pred = [1.5, 2.0, 2.5, 4.0]
    w = [1.0, 1.0, 2.0, 0.0]
    # SSE_w(model) = 0.25 + 0 + 2 * 0.25 + 0 = 0.75
    # SSE_w(benchmark 2) = 1 + 0 + 2 * 1 + 0 * 4 = 3
    assert oos_r2_score(y_true, y_pred, 2.0, sample_weight=w) == pytest.approx(0.75)
    scaled = [10.0 * v for v in w]
    assert oos_r2_score(y_true, y_pred, 2.0, sample_weight=scaled) == pytest.approx(
        0.75
    )


def test_oos_r2_scalar_benchmark_equals_repeated_array():
    rng = np.random.default_rng(1)
    y_true = rng.normal(size=30)
    y_pred = y_true + rng.normal(size=30)
    expected = 1 - np.sum((y_true - y_pred) ** 2) / np.sum((y_true - 0.3) ** 2)
    assert oos_r2_score(y_true, y_pred, 0.3) == pytest.approx(expected, rel=1e-12)
    assert oos_r2_score(y_true, y_pred, np.full(30, 0.3)) == pytest.approx(
        expected, rel=1e-12
    )
    # also as lists and as a column
    assert oos_r2_score(list(y_true), list(y_pred), [0.3] * 30) == pytest.approx(
        expected, rel=1e-12
    )
    assert oos_r2_score(
        y_true[:, None], y_pred, np.full((30, 1), 0.3)
    ) == pytest.approx(expected, rel=1e-12)


def test_oos_r2_multioutput_pools_all_squared_errors():
    y_true = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]])
    y_pred = np.array([[1.0, 12.0], [2.0, 18.0], [4.0, 30.0]])
    y_benchmark = np.array([[2.0, 20.0]] * 3)
    # SSE(model):     column 0: 0 + 0 + 1 = 1;     column 1: 4 + 4 + 0 = 8
    # SSE(benchmark): column 0: 1 + 0 + 1 = 2;     column 1: 100 + 0 + 100 = 200
    pooled = oos_r2_score(y_true, y_pred, y_benchmark)
    assert pooled == pytest.approx(1 - (1 + 8) / (2 + 200))
    # not the average of the per-output scores (1 - 1/2 and 1 - 8/200)
    assert pooled != pytest.approx(((1 - 1 / 2) + (1 - 8 / 200)) / 2)
    # a scalar benchmark is used for every output:
    # SSE(benchmark 2) = 2 (column 0) + 64 + 324 + 784 (column 1) = 1174
    assert oos_r2_score(y_true, y_pred, 2.0) == pytest.approx(1 - 9 / 1174)


def test_oos_r2_equals_sklearn_r2_when_benchmark_is_test_mean():
    rng = np.random.default_rng(2)
    y_true = rng.normal(size=50)
    y_pred = 0.5 * y_true + rng.normal(size=50)
    assert oos_r2_score(y_true, y_pred, y_true.mean()) == pytest.approx(
        r2_score(y_true, y_pred), rel=1e-12
    )
    w = rng.uniform(0.5, 2.0, size=50)
    weighted_mean = np.average(y_true, weights=w)
    assert oos_r2_score(
        y_true, y_pred, weighted_mean, sample_weight=w
    ) == pytest.approx(r2_score(y_true, y_pred, sample_weight=w), rel=1e-12)


def test_oos_r2_multioutput_equals_variance_weighted_r2_with_column_means():
    rng = np.random.default_rng(3)
    # outputs of very different scales, so the two averages differ
    y_true = rng.normal(size=(40, 2)) * [1.0, 10.0]
    y_pred = y_true + rng.normal(size=(40, 2)) * [0.5, 8.0]
    column_means = np.broadcast_to(y_true.mean(axis=0), y_true.shape)
    pooled = oos_r2_score(y_true, y_pred, column_means)
    assert pooled == pytest.approx(
        r2_score(y_true, y_pred, multioutput="variance_weighted"), rel=1e-12
    )
    assert pooled != pytest.approx(
        r2_score(y_true, y_pred, multioutput="uniform_average"), rel=1e-3
    )


def test_oos_r2_differs_from_r2_when_benchmark_is_not_the_test_mean():
    rng = np.random.default_rng(4)
    y_true = 1.0 + rng.normal(size=60)
    y_pred = y_true + 0.8 * rng.normal(size=60)
    training_mean = 0.2  # e.g. the mean of an earlier window
    sse = np.sum((y_true - y_pred) ** 2)
    sst = np.sum((y_true - y_true.mean()) ** 2)
    # SSE(b) = SST + n * (mean(y) - b)^2 for a constant benchmark b
    sse_benchmark = sst + 60 * (y_true.mean() - training_mean) ** 2
    score = oos_r2_score(y_true, y_pred, training_mean)
    assert score == pytest.approx(1 - sse / sse_benchmark, rel=1e-12)
    # the test mean is the best constant in hindsight, so sklearn's R² is lower
    assert score > r2_score(y_true, y_pred) + 1e-3


@pytest.mark.parametrize(
    ("kwargs", "exception", "match"),
    [
        (dict(y_pred=[1.0, 2.0, 3.0]), ValueError, "y_pred"),
        (dict(y_benchmark=[0.0, 1.0, 2.0]), ValueError, "y_benchmark"),
        (dict(y_true=[1.0, np.nan]), ValueError, "y_true"),
        (dict(y_pred=[1.0, np.nan]), ValueError, "y_pred"),
        (dict(y_pred=[1.0, np.inf]), ValueError, "y_pred"),
        (dict(y_benchmark=[0.0, np.nan]), ValueError, "y_benchmark"),
        (dict(y_benchmark=np.inf), ValueError, "y_benchmark"),
        (dict(y_benchmark="zero"), ValueError, "y_benchmark"),
        (dict(y_true=[], y_pred=[], y_benchmark=[]), ValueError, "y_true"),
        (dict(y_true=np.ones((2, 2, 2))), ValueError, "y_true"),
        (dict(y_true=1.0), ValueError, "y_true"),
        (dict(sample_weight=[1.0]), ValueError, "sample_weight"),
        (dict(sample_weight=[1.0, -1.0]), ValueError, "sample_weight"),
        (dict(sample_weight=[0.0, 0.0]), ValueError, "sample_weight"),
        (dict(sample_weight=[1.0, np.nan]), ValueError, "sample_weight"),
    ],
)
def test_oos_r2_bad_input(kwargs, exception, match):
    args = dict(y_true=[1.0, 2.0], y_pred=[1.0, 1.5], y_benchmark=0.0)
    args.update(kwargs)
    with pytest.raises(exception, match=match):
        oos_r2_score(
            args["y_true"],
            args["y_pred"],
            args["y_benchmark"],
            sample_weight=args.get("sample_weight"),
        )


def test_oos_r2_bad_multioutput_shapes():
    with pytest.raises(ValueError, match="y_pred.*shape"):
        oos_r2_score(np.ones((3, 2)), np.ones((3, 3)), 0.0)
    with pytest.raises(ValueError, match="y_benchmark.*shape"):
        oos_r2_score(np.ones((3, 2)), np.ones((3, 2)), np.zeros(3))


def test_oos_r2_perfect_benchmark_raises():
    with pytest.raises(ValueError, match="y_benchmark.*perfect"):
        oos_r2_score([1.0, 2.0], [1.5, 2.5], [1.0, 2.0])
    # zero weight on the only row where the benchmark errs: weighted SSE is 0
    with pytest.raises(ValueError, match="perfect"):
        oos_r2_score([1.0, 2.0], [1.5, 2.5], 1.0, sample_weight=[1.0, 0.0])


# ----------------------------------------------------------------- clark_west_test


@pytest.mark.parametrize("lags", [0, 1, 3, 7])
def test_clark_west_matches_hand_newey_west(lags):
    y, p, b = autocorrelated_forecasts(seed=5)
    f = (y - b) ** 2 - ((y - p) ** 2 - (b - p) ** 2)
    t = newey_west_tstat(f, lags)
    result = clark_west_test(y, p, b, lags=lags)
    assert result.statistic == pytest.approx(t, rel=1e-10)
    assert result.pvalue == pytest.approx(1 - stats.norm.cdf(t), rel=1e-8, abs=1e-15)
    assert result.mean_loss_differential == pytest.approx(f.mean(), rel=1e-12)
    assert result.lags == lags
    assert result.n_obs == 120
    assert isinstance(result.statistic, float)
    assert isinstance(result.pvalue, float)


def test_hac_has_no_small_sample_correction():
    y, p, b = autocorrelated_forecasts(seed=6, n=40)
    f = (y - b) ** 2 - ((y - p) ** 2 - (b - p) ** 2)
    result = clark_west_test(y, p, b, lags=2)
    assert result.statistic == pytest.approx(newey_west_tstat(f, 2), rel=1e-10)
    # the n / (n - 1) version differs by sqrt(40 / 39), about 1.3 %
    assert result.statistic != pytest.approx(
        newey_west_tstat(f, 2, df_correction=True), rel=1e-4
    )


def test_clark_west_scalar_benchmark_and_algebra():
    rng = np.random.default_rng(7)
    y = rng.normal(size=80)
    p = 0.5 * y + rng.normal(size=80)
    # with b = 0: f_t = y^2 - (y - p)^2 + p^2 = 2 * y * p
    result = clark_west_test(y, p, 0.0, lags=2)
    assert result.mean_loss_differential == pytest.approx(np.mean(2 * y * p))
    assert result.statistic == pytest.approx(newey_west_tstat(2 * y * p, 2), rel=1e-10)


@pytest.mark.parametrize(
    ("n", "expected_lags"),
    [
        # int(4 * (n / 100) ** (2 / 9)):
        (100, 4),  # 4 * 1 = 4
        (500, 5),  # 4 * 5 ** (2/9) = 4 * 1.4299 = 5.72
        (50, 3),  # 4 * 0.5 ** (2/9) = 4 * 0.8572 = 3.43
        (10, 2),  # 4 * 0.1 ** (2/9) = 4 * 0.5995 = 2.40
        (2, 1),  # 4 * 0.02 ** (2/9) = 4 * 0.4193 = 1.68
        (250, 4),  # 4 * 2.5 ** (2/9) = 4 * 1.2258 = 4.90 (exponent 1/4 gives 5)
        (1000, 6),  # 4 * 10 ** (2/9) = 4 * 1.6681 = 6.67 (exponent 1/4 gives 7)
    ],
)
def test_default_lags_rule_of_thumb(n, expected_lags):
    rng = np.random.default_rng(n)
    y = rng.normal(size=n)
    p = y + rng.normal(size=n)
    b = rng.normal(size=n)
    cw = clark_west_test(y, p, b)
    dm = diebold_mariano_test(y, p, b)
    assert cw.lags == dm.lags == expected_lags
    f = (y - b) ** 2 - ((y - p) ** 2 - (b - p) ** 2)
    assert cw.statistic == pytest.approx(newey_west_tstat(f, expected_lags), rel=1e-10)


def test_clark_west_rejects_for_a_strongly_better_model():
    rng = np.random.default_rng(8)
    signal = rng.normal(size=300)
    y = signal + rng.normal(size=300)
    result = clark_west_test(y, signal, 0.0)
    assert result.statistic > 0
    assert result.pvalue < 0.01


def test_clark_west_not_tiny_for_benchmark_plus_noise():
    y, p, b = null_nested_forecasts(seed=0)
    result = clark_west_test(y, p, b)
    assert result.pvalue > 0.05
    # the naive MSPE comparison says the noisy model is significantly worse
    dm = diebold_mariano_test(y, p, b)
    assert dm.statistic > 0
    assert dm.pvalue > 0.95


def test_clark_west_size_under_the_null_is_moderate():
    pvalues = np.array(
        [
            clark_west_test(*null_nested_forecasts(seed=s, n=120)).pvalue
            for s in range(30)
        ]
    )
    # 30 draws at the 10 % level: about 3 rejections expected
    assert np.mean(pvalues < 0.10) <= 0.25
    assert np.all((pvalues >= 0) & (pvalues <= 1))


def test_clark_west_adjustment_exceeds_plain_mspe_difference():
    y, p, b = null_nested_forecasts(seed=1)
    cw = clark_west_test(y, p, b)
    dm = diebold_mariano_test(y, p, b, harvey_correction=False)
    # dm: d = (y - p)^2 - (y - b)^2; cw: f = -d + (b - p)^2 >= -d
    adjustment = np.mean((b - p) ** 2)
    assert adjustment > 0
    assert cw.mean_loss_differential == pytest.approx(
        -dm.mean_loss_differential + adjustment, rel=1e-10
    )
    assert cw.mean_loss_differential >= -dm.mean_loss_differential
    # with a noisy model the CW statistic is larger than the MSPE-type one
    assert cw.statistic > -dm.statistic


def test_clark_west_model_equal_to_benchmark_raises():
    y = np.arange(10.0)
    with pytest.raises(ValueError, match="constant"):
        clark_west_test(y, np.ones(10), np.ones(10))


# ------------------------------------------------------------- diebold_mariano_test


@pytest.mark.parametrize("lags", [0, 2, 5])
@pytest.mark.parametrize("loss", ["squared_error", "absolute_error"])
@pytest.mark.parametrize("harvey", [True, False])
def test_diebold_mariano_matches_hand_computation(lags, loss, harvey):
    y, a, b = autocorrelated_forecasts(seed=9, n=90)
    if loss == "squared_error":
        d = (y - a) ** 2 - (y - b) ** 2
    else:
        d = np.abs(y - a) - np.abs(y - b)
    t = newey_west_tstat(d, lags)
    result = diebold_mariano_test(
        y, a, b, lags=lags, loss=loss, harvey_correction=harvey
    )
    if harvey:
        t = t * hln_factor(90, h=1)  # sqrt((90 + 1 - 2 + 0) / 90) = sqrt(89 / 90)
        p = stats.t.cdf(t, df=89)
    else:
        p = stats.norm.cdf(t)
    assert result.statistic == pytest.approx(t, rel=1e-10)
    assert result.pvalue == pytest.approx(p, rel=1e-8)
    assert result.mean_loss_differential == pytest.approx(d.mean(), rel=1e-12)
    assert result.lags == lags
    assert result.n_obs == 90


@pytest.mark.parametrize("horizon", [1, 3, 12])
def test_harvey_correction_for_a_horizon(horizon):
    # HLN's factor sqrt((n + 1 - 2h + h(h - 1) / n) / n): at n = 100 and h = 3,
    # 0.9750, against 0.9950 for one-step forecasts
    rng = np.random.default_rng(11)
    n = 100
    y = rng.normal(size=n)
    a, b = y + 0.6 * rng.normal(size=n), y + rng.normal(size=n)
    plain = diebold_mariano_test(y, a, b, lags=horizon - 1, harvey_correction=False)
    corrected = diebold_mariano_test(y, a, b, lags=horizon - 1, horizon=horizon)
    assert corrected.statistic == pytest.approx(
        plain.statistic * hln_factor(n, horizon), rel=1e-12)
    assert corrected.pvalue == pytest.approx(
        stats.t.cdf(corrected.statistic, df=n - 1), rel=1e-10)
    # the horizon matters only to the correction
    assert diebold_mariano_test(y, a, b, harvey_correction=False,
                                horizon=horizon).statistic == pytest.approx(
        diebold_mariano_test(y, a, b, harvey_correction=False).statistic, rel=0)


def test_a_horizon_as_long_as_the_sample_is_refused():
    y, a, b = np.random.default_rng(12).normal(size=(3, 10))
    with pytest.raises(ValueError, match="horizon=10 must be less than"):
        diebold_mariano_test(y, a, b, horizon=10)
    assert np.isfinite(diebold_mariano_test(y, a, b, horizon=9).statistic)
    with pytest.raises(ValueError, match="horizon"):
        diebold_mariano_test(y, a, b, horizon=0)


def test_harvey_correction_factor_and_t_distribution():
    rng = np.random.default_rng(10)
    n = 25
    y = rng.normal(size=n)
    a = y + 0.6 * rng.normal(size=n)
    b = y + 1.0 * rng.normal(size=n)
    plain = diebold_mariano_test(y, a, b, lags=1, harvey_correction=False)
    corrected = diebold_mariano_test(y, a, b, lags=1, harvey_correction=True)
    assert hln_factor(n) == pytest.approx(math.sqrt(24 / 25))
    assert corrected.statistic == pytest.approx(
        plain.statistic * math.sqrt(24 / 25), rel=1e-12
    )
    assert corrected.pvalue == pytest.approx(
        stats.t.cdf(corrected.statistic, df=24), rel=1e-10
    )
    assert plain.pvalue == pytest.approx(stats.norm.cdf(plain.statistic), rel=1e-10)
    # a is better here, so the statistic is negative; a smaller |statistic| and the
    # heavier t tail both make the corrected test more conservative
    assert plain.statistic < 0
    assert corrected.pvalue > plain.pvalue


def test_diebold_mariano_antisymmetry():
    y, a, b = autocorrelated_forecasts(seed=11)
    for harvey in (True, False):
        ab = diebold_mariano_test(y, a, b, harvey_correction=harvey)
        ba = diebold_mariano_test(y, b, a, harvey_correction=harvey)
        assert ba.statistic == pytest.approx(-ab.statistic, rel=1e-12)
        assert ba.mean_loss_differential == pytest.approx(
            -ab.mean_loss_differential, rel=1e-12
        )
        assert ab.pvalue + ba.pvalue == pytest.approx(1.0, rel=1e-12)


def test_diebold_mariano_identical_forecasts_raise():
    y, a, _ = autocorrelated_forecasts(seed=12)
    with pytest.raises(ValueError, match="constant"):
        diebold_mariano_test(y, a, a.copy())
    # different forecasts with identical losses: y + e and y - e
    e = np.linspace(-1.0, 1.0, len(y))
    with pytest.raises(ValueError, match="constant"):
        diebold_mariano_test(y, y + e, y - e)


def test_diebold_mariano_rejects_for_a_strongly_better_forecast():
    rng = np.random.default_rng(13)
    y = rng.normal(size=200)
    good = y + 0.5 * rng.normal(size=200)
    bad = y + 1.0 * rng.normal(size=200)
    result = diebold_mariano_test(y, good, bad)
    assert result.statistic < 0
    assert result.mean_loss_differential < 0
    assert result.pvalue < 0.01
    assert diebold_mariano_test(y, bad, good).pvalue > 0.99


# ------------------------------------------------------------- bad input and result


@pytest.mark.parametrize("test", [clark_west_test, diebold_mariano_test])
@pytest.mark.parametrize(
    ("kwargs", "exception", "match"),
    [
        (dict(lags=-1), ValueError, "lags"),
        (dict(lags=1.5), ValueError, "lags"),
        (dict(lags="3"), TypeError, "lags"),
        (dict(lags=True), TypeError, "lags"),
        (dict(lags=10), ValueError, "lags"),  # n_obs - 1 = 9
    ],
)
def test_bad_lags(test, kwargs, exception, match):
    y, a, b = autocorrelated_forecasts(seed=14, n=10)
    with pytest.raises(exception, match=match):
        test(y, a, b, **kwargs)


@pytest.mark.parametrize("test", [clark_west_test, diebold_mariano_test])
def test_bad_arrays(test):
    y, a, b = autocorrelated_forecasts(seed=15, n=20)
    third = "y_benchmark" if test is clark_west_test else "y_pred_b"
    with pytest.raises(ValueError, match=third):
        test(y, a, b[:-1])
    with pytest.raises(ValueError, match="y_true"):
        test(np.r_[y[:-1], np.nan], a, b)
    with pytest.raises(ValueError, match="y_true"):
        test(np.c_[y, y], a, b)
    with pytest.raises(ValueError, match="y_true"):
        test(y[:1], a[:1], b[:1])  # a single observation


def test_bad_loss_and_harvey_correction():
    y, a, b = autocorrelated_forecasts(seed=16, n=20)
    with pytest.raises(ValueError, match="loss"):
        diebold_mariano_test(y, a, b, loss="mse")
    with pytest.raises(TypeError, match="harvey_correction"):
        diebold_mariano_test(y, a, b, harvey_correction="yes")


def test_result_object():
    names = [field.name for field in dataclasses.fields(ForecastTestResult)]
    for name in [
        "statistic",
        "pvalue",
        "mean_loss_differential",
        "lags",
        "n_obs",
        "alternative",
    ]:
        assert name in names
    y, a, b = autocorrelated_forecasts(seed=17)
    result = clark_west_test(y, a, b, lags=3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.pvalue = 0.0
    text = repr(result)
    assert text.startswith("ForecastTestResult(")
    for name in ["statistic=", "pvalue=", "lags=3", "n_obs=120", "Clark-West"]:
        assert name in text
    assert "beats" in result.alternative or "lower" in result.alternative
    dm = diebold_mariano_test(y, a, b, loss="absolute_error")
    assert "y_pred_a" in dm.alternative and "absolute" in dm.alternative


def test_missing_statsmodels_gives_a_helpful_import_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "statsmodels.regression.linear_model", None)
    y, a, b = autocorrelated_forecasts(seed=18, n=20)
    with pytest.raises(ImportError, match=r"pip install skquantnn\[data\]"):
        clark_west_test(y, a, b)
