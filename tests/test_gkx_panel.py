"""make_gkx_panel: the simulated panel of Gu, Kelly and Xiu (2020)."""

import numpy as np
import pandas as pd
import pytest

from skquantnn.datasets import make_gkx_panel


@pytest.fixture(scope="module", params=["a", "b"])
def panel(request):
    return request.param, make_gkx_panel(request.param, n_stocks=100, n_months=120,
                                         n_characteristics=10, random_state=0)


def test_shapes_index_and_columns(panel):
    _, (X, y, g) = panel
    assert X.shape == (120 * 100, 20)
    assert X.index.names == ["month", "stock"]
    months = X.index.get_level_values("month")
    assert months.is_monotonic_increasing            # rows in time order
    assert months.nunique() == 120 and (months.value_counts() == 100).all()
    assert list(X.columns[:3]) == ["c1", "c2", "c3"]
    assert list(X.columns[10:12]) == ["c1_x", "c2_x"]
    assert y.index.equals(X.index) and g.index.equals(X.index)
    assert np.isfinite(X.to_numpy()).all() and np.isfinite(y).all()


def test_characteristics_are_cross_sectional_ranks(panel):
    _, (X, _, _) = panel
    grid = 2.0 / 101 * np.arange(1, 101) - 1.0
    for _, month in X.iloc[:, :10].groupby(level="month"):
        # each characteristic is a permutation of the rank grid every month
        np.testing.assert_allclose(np.sort(month.to_numpy(), axis=0),
                                   np.repeat(grid[:, None], 10, axis=1))


def test_interactions_are_characteristics_times_one_macro_series(panel):
    _, (X, _, _) = panel
    c, cx = X.iloc[:, :10].to_numpy(), X.iloc[:, 10:].to_numpy()
    x = cx / c                                      # no rank is 0 (N + 1 odd)
    per_month = pd.DataFrame(x, index=X.index).groupby(level="month")
    assert (per_month.std().to_numpy().max()) < 1e-12      # one x per month
    x_t = per_month.mean()[0].to_numpy()
    phi = np.polyfit(x_t[:-1], x_t[1:], 1)[0]
    assert 0.6 < phi < 1.1                          # AR(1) with coefficient 0.95


def test_characteristics_are_persistent(panel):
    _, (X, _, _) = panel
    c1 = X["c1"].unstack("stock").to_numpy()        # (month, stock)
    lag_corr = np.mean([np.corrcoef(c1[t], c1[t + 1])[0, 1] for t in range(119)])
    assert lag_corr > 0.8


def test_oracle_is_the_documented_signal(panel):
    model, (X, _, g) = panel
    c1, c2, c3x = X["c1"], X["c2"], X["c3_x"]
    expected = (0.02 * (c1 + c2 + c3x) if model == "a"
                else 0.04 * c1**2 + 0.03 * c1 * c2 + 0.012 * np.sign(c3x))
    np.testing.assert_allclose(g, expected, atol=1e-12)


def test_noise_has_the_documented_variance(panel):
    _, (X, y, g) = panel
    # var(beta v) = 0.05^2 * sum_k E[c_k^2] = 0.05^2 * 3 * (1/3); var(0.05 t5) =
    # 0.05^2 * 5/3
    expected = 0.05**2 * (1 + 5 / 3)
    assert (y - g).var() == pytest.approx(expected, rel=0.15)
    assert abs((y - g).mean()) < 0.005


def test_factor_shocks_correlate_a_months_noise():
    X, y, g = make_gkx_panel("a", n_stocks=200, n_months=60, n_characteristics=3,
                             random_state=1)
    e = (y - g).unstack("stock").to_numpy()
    c1 = X["c1"].unstack("stock").to_numpy()
    # each month's noise has a slope on c1 (its factor shock), of sd 0.05
    slopes = [np.polyfit(c1[t], e[t], 1)[0] for t in range(60)]
    assert 0.03 < np.std(slopes) < 0.07


def test_random_state_reproduces_and_differs():
    a = make_gkx_panel(n_stocks=20, n_months=10, n_characteristics=3, random_state=3)
    b = make_gkx_panel(n_stocks=20, n_months=10, n_characteristics=3, random_state=3)
    c = make_gkx_panel(n_stocks=20, n_months=10, n_characteristics=3, random_state=4)
    pd.testing.assert_frame_equal(a[0], b[0])
    pd.testing.assert_series_equal(a[1], b[1])
    pd.testing.assert_series_equal(a[2], b[2])
    assert not np.allclose(a[1], c[1])


@pytest.mark.parametrize("kwargs, name", [
    ({"model": "c"}, "model"),
    ({"n_stocks": 1}, "n_stocks"),
    ({"n_characteristics": 2}, "n_characteristics"),
])
def test_bad_parameters_name_themselves(kwargs, name):
    with pytest.raises(ValueError, match=name):
        make_gkx_panel(**kwargs)
