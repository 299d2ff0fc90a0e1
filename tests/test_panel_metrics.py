"""Measures of cross-sectional forecasts: long-short returns, Sharpe ratio and
the panel Diebold-Mariano test, each against an independent computation."""

import math
import statistics

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from skquantnn.metrics import (
    long_short_returns,
    panel_diebold_mariano_test,
    sharpe_ratio,
)


def panel(seed=0, n_dates=40, low=12, high=30):
    """Shuffled rows of dates with unequal numbers of assets, a forecast with some
    skill, and positive weights."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(low, high, n_dates)
    dates = np.repeat(pd.date_range("2010-01-31", periods=n_dates, freq="ME"), sizes)
    signal = rng.normal(size=len(dates))
    y = 0.3 * signal + rng.normal(size=n_dates).repeat(sizes) + rng.normal(
        size=len(dates))
    pred = signal + 0.5 * rng.normal(size=len(dates))
    weights = rng.uniform(0.5, 3.0, len(dates))
    order = rng.permutation(len(dates))
    return y[order], pred[order], dates[order], weights[order]


def hand_long_short(y, pred, dates, q, weights=None):
    """Per date: the assets sorted by forecast (ties in row order), cut by
    np.array_split into q groups; weighted mean of the last minus the first."""
    weights = np.ones(len(y)) if weights is None else weights
    out = {}
    for date in sorted(set(dates)):
        rows = np.flatnonzero(dates == date)
        if len(rows) < q:
            continue
        groups = np.array_split(rows[np.argsort(pred[rows], kind="stable")], q)
        top, bottom = groups[-1], groups[0]
        out[date] = (np.average(y[top], weights=weights[top])
                     - np.average(y[bottom], weights=weights[bottom]))
    return pd.Series(out)


@pytest.mark.parametrize("q", [10, 5, 3])
@pytest.mark.parametrize("weighted", [False, True])
def test_long_short_returns_match_a_hand_computation(q, weighted):
    y, pred, dates, weights = panel(seed=q)
    w = weights if weighted else None
    returns = long_short_returns(y, pred, dates, n_quantiles=q, weights=w)
    expected = hand_long_short(y, pred, dates, q, w)
    assert returns.index.equals(pd.DatetimeIndex(expected.index))
    assert returns.index.is_monotonic_increasing and returns.name == "long_short"
    np.testing.assert_allclose(returns.to_numpy(), expected.to_numpy(), rtol=1e-12)
    assert returns.attrs == {"skipped_dates": [], "n_quantiles": q}
    # the forecast has skill: on average the long leg beats the short one
    assert returns.mean() > 0


def test_ties_follow_the_row_order():
    dates = np.zeros(4)
    y = np.array([1.0, 2.0, 3.0, 4.0])
    returns = long_short_returns(y, np.zeros(4), dates, n_quantiles=2)
    assert returns.iloc[0] == pytest.approx(3.5 - 1.5)


def test_dates_with_fewer_assets_than_quantiles_are_skipped_and_said_so():
    y, pred, dates, _ = panel(seed=7, n_dates=12, low=5, high=15)
    sizes = pd.Series(dates).value_counts()
    small = sorted(sizes[sizes < 10].index)
    assert 0 < len(small) < 12
    with pytest.warns(UserWarning, match=f"skipped {len(small)} of 12 dates with "
                      "fewer than n_quantiles=10 assets"):
        returns = long_short_returns(y, pred, dates)
    assert returns.attrs["skipped_dates"] == small
    assert len(returns) == 12 - len(small) and returns.notna().all()
    assert not set(small) & set(returns.index)
    expected = hand_long_short(y, pred, dates, 10)
    np.testing.assert_allclose(returns.to_numpy(), expected.to_numpy(), rtol=1e-12)


def test_sharpe_ratio_matches_a_hand_computation():
    rng = np.random.default_rng(0)
    returns = list(0.01 + 0.04 * rng.standard_normal(60))
    expected = statistics.mean(returns) / statistics.stdev(returns) * math.sqrt(12)
    assert sharpe_ratio(returns) == pytest.approx(expected, rel=1e-12)
    assert sharpe_ratio(pd.Series(returns), periods_per_year=252) == pytest.approx(
        expected * math.sqrt(252 / 12), rel=1e-12)


def hand_newey_west_t(d, lags):
    """mean(d) / sqrt(S / n), S = gamma_0 + 2 sum_j (1 - j / (lags + 1)) gamma_j."""
    n = len(d)
    e = d - d.mean()
    s = e @ e / n + 2 * sum((1 - j / (lags + 1)) * (e[j:] @ e[:-j]) / n
                            for j in range(1, lags + 1))
    return d.mean() / math.sqrt(s / n)


@pytest.mark.parametrize("lags", [0, 3, None])
@pytest.mark.parametrize("loss", ["squared_error", "absolute_error"])
def test_panel_diebold_mariano_matches_numpy(lags, loss):
    y, pred, dates, _ = panel(seed=11, n_dates=80)
    other = 0.5 * pred
    def row_loss(f):
        return (y - f) ** 2 if loss == "squared_error" else np.abs(y - f)
    distinct = np.unique(dates)           # in time order
    d = np.array([row_loss(pred)[dates == t].mean() - row_loss(other)[dates == t]
                  .mean() for t in distinct])
    expected_lags = int(4 * (80 / 100) ** (2 / 9)) if lags is None else lags
    result = panel_diebold_mariano_test(y, pred, other, dates, lags=lags, loss=loss)
    t = hand_newey_west_t(d, expected_lags)
    assert result.statistic == pytest.approx(t, rel=1e-9)
    assert result.pvalue == pytest.approx(stats.norm.cdf(t), rel=1e-9)
    assert result.n_obs == 80 and result.lags == expected_lags
    assert result.mean_loss_differential == pytest.approx(d.mean(), rel=1e-12)


def test_panel_diebold_mariano_sees_the_better_forecast_in_any_row_order():
    y, pred, dates, _ = panel(seed=12, n_dates=60)
    scaled = 0.3 * pred                  # the signal's true loading
    result = panel_diebold_mariano_test(y, scaled, np.zeros(len(y)), dates)
    assert result.statistic < 0 and result.pvalue < 0.05
    order = np.argsort(dates, kind="stable")
    in_order = panel_diebold_mariano_test(y[order], scaled[order],
                                          np.zeros(len(y)), dates[order])
    assert in_order.statistic == pytest.approx(result.statistic, rel=1e-12)


@pytest.mark.parametrize("call, message", [
    (lambda: long_short_returns([1.0, 2.0], [1.0, 2.0], [1]),
     "dates must have one entry per sample"),
    (lambda: long_short_returns([1.0, np.nan], [1.0, 2.0], [1, 1], n_quantiles=2),
     "y_true"),
    (lambda: long_short_returns([1.0, 2.0], [1.0, 2.0], [1, 1], n_quantiles=2,
                                weights=[1.0, -1.0]), "weights must be non-negative"),
    (lambda: long_short_returns([1.0, 2.0], [1.0, 2.0], [1, 2], n_quantiles=2),
     "No date has at least n_quantiles=2 assets"),
    (lambda: long_short_returns([1.0, 2.0], [1.0, 2.0], [1, 1], n_quantiles=1),
     "n_quantiles"),
    (lambda: long_short_returns([1.0, 2.0], [1.0, 2.0], pd.Index([1, "a"]),
                                n_quantiles=2),
     "dates cannot be sorted"),
    (lambda: sharpe_ratio([0.01, 0.01, 0.01]), "returns does not vary"),
    (lambda: sharpe_ratio([0.01]), "returns needs at least 2 values"),
    (lambda: sharpe_ratio([0.01, np.inf]), "returns"),
    (lambda: sharpe_ratio([0.01, 0.02], periods_per_year=0), "periods_per_year"),
    (lambda: panel_diebold_mariano_test([1.0, 2.0], [1.0, 2.0], [0.0, 1.0], [1, 1]),
     "at least 2 dates"),
])
def test_bad_input_is_a_one_line_value_error(call, message):
    with pytest.raises(ValueError, match=message) as error:
        call()
    assert "\n" not in str(error.value)
