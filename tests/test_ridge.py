"""The skip connection's ridge regression: penalty by leave-one-out or by folds of
whole dates, and the prior's floor."""

import numpy as np
import pytest
from sklearn.linear_model import Ridge

from skquantnn._ridge import (
    RIDGE_PENALTIES,
    fit_skip,
    one_standard_error,
    prior_floor,
    ridge_date_folds,
    ridge_loo,
    ridge_solve,
    target_lags,
)


def _panel(seed, n_dates=40, n_assets=30, p=6):
    """Returns with a real slope on x0 and, every date, a shock on x1's slope
    (a factor whose realised premium averages to nothing)."""
    rng = np.random.default_rng(seed)
    dates = np.repeat(np.arange(n_dates), n_assets)
    X = rng.normal(size=(n_dates * n_assets, p))
    shocks = rng.normal(scale=0.5, size=n_dates)
    y = 0.1 * X[:, 0] + shocks[dates] * X[:, 1] + rng.normal(size=len(dates))
    return X, y[:, None], dates


def test_ridge_solve_is_scikit_learns_ridge():
    X, Y, _ = _panel(0)
    w = np.random.default_rng(1).uniform(0.5, 2.0, len(X))
    coef, intercept = ridge_solve(X, Y, 37.0, w)
    reference = Ridge(alpha=37.0).fit(X, Y[:, 0], sample_weight=w)
    np.testing.assert_allclose(coef[:, 0], reference.coef_, rtol=1e-10)
    np.testing.assert_allclose(intercept, reference.intercept_, rtol=1e-10)


@pytest.mark.parametrize("gap", [0, 2])
def test_date_folds_choose_the_penalty_a_brute_force_search_chooses(gap):
    # every fold refitted with scikit-learn's Ridge on the dates outside the run
    # and its embargo of `gap` dates on either side, then the one-standard-error
    # rule by hand: the largest penalty whose total error is within sqrt(10)
    # standard deviations of the fold-by-fold differences from the least
    X, Y, dates = _panel(2)
    runs = np.array_split(np.arange(40), 10)
    folds = np.empty((10, len(RIDGE_PENALTIES)))
    for a, penalty in enumerate(RIDGE_PENALTIES):
        for f, run in enumerate(runs):
            out = np.isin(dates, run)
            fit = ~np.isin(dates, np.arange(run[0] - gap, run[-1] + gap + 1))
            model = Ridge(alpha=penalty * fit.sum()).fit(X[fit], Y[fit, 0])
            folds[f, a] = ((Y[out, 0] - model.predict(X[out])) ** 2).sum()
    totals = folds.sum(axis=0)
    least = int(np.argmin(totals))
    chosen = max(a for a in range(len(totals))
                 if totals[a] - totals[least]
                 <= np.sqrt(10) * np.std(folds[:, a] - folds[:, least], ddof=1))
    assert chosen > least                  # the rule chose a larger penalty here
    expected = RIDGE_PENALTIES[chosen] * len(X)
    assert ridge_date_folds(X, Y, dates, gap=gap) == pytest.approx(expected,
                                                                   rel=1e-12)


def test_one_standard_error_takes_the_largest_penalty_the_folds_cannot_reject():
    # penalties 0..3; the least total error is penalty 1's (10)
    folds = np.array([[3.0, 2.0, 3.0, 9.0],
                      [4.0, 4.0, 4.5, 9.0],
                      [5.0, 4.0, 4.0, 9.0]])
    # differences from penalty 1: [1, 0, 1] (sd .58), [1, .5, 0] (sd .5),
    # [7, 5, 5] (sd 1.15); sqrt(3) sd: 1.0, 0.87, 2.0
    # totals - 10: 2 (> 1.0), 1.5 (> 0.87), 17 (> 2.0): only penalty 1 is within
    assert one_standard_error(folds) == 1
    folds[:, 2] = [2.5, 4.5, 3.5]     # total 10.5; differences .5, .5, -.5: sd .58
    assert one_standard_error(folds) == 2
    assert one_standard_error(np.full((3, 4), np.inf)) == 3
    assert one_standard_error(folds[:1]) == 1        # one fold: no spread, the least


def test_date_folds_do_not_reward_a_dates_shared_shock():
    # leave-one-out keeps the other rows of a left-out row's date, whose shock on
    # x1 it then fits; folds of whole dates see that x1's slope does not carry
    X, Y, dates = _panel(3)
    _, _, loo_alpha = ridge_loo(X, Y)
    assert ridge_date_folds(X, Y, dates) > 3 * loo_alpha
    coef_dates, *_ = fit_skip(X, Y, dates=dates)
    coef_rows, *_ = fit_skip(X, Y)
    assert abs(coef_dates[1, 0]) < abs(coef_rows[1, 0])


def test_one_row_per_date_is_leave_one_out():
    X, Y, _ = _panel(4, n_dates=200, n_assets=1)
    by_dates = fit_skip(X, Y, dates=np.arange(200))
    by_rows = fit_skip(X, Y)
    for a, b in zip(by_dates, by_rows, strict=True):
        np.testing.assert_array_equal(a, b)


def test_the_prior_floor_binds_on_few_rows_and_not_on_many():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(2000, 5))
    Y = (X @ [1.0, 0.5, 0, 0, 0] + rng.normal(size=2000))[:, None]
    Y = (Y - Y.mean()) / Y.std()
    few = fit_skip(X[:30], Y[:30], prior_variance=0.025)
    many = fit_skip(X, Y, prior_variance=0.025)
    coef, intercept, alpha = ridge_loo(X[:30], Y[:30])
    floor = prior_floor(X[:30], Y[:30], coef, intercept, None, 0.025)
    # on 30 rows the floor sets the penalty and shrinks the fit; on 2000 rows the
    # data outweigh it
    assert alpha < floor and few[2] == pytest.approx(floor)
    assert np.linalg.norm(few[0]) < 0.8 * np.linalg.norm(coef)
    np.testing.assert_allclose(many[0], ridge_loo(X, Y)[0], rtol=0.01, atol=1e-3)


def test_prior_floor_is_the_residual_variance_over_the_prior_variance():
    rng = np.random.default_rng(6)
    X, Y = rng.normal(size=(50, 2)), rng.normal(size=(50, 1))
    coef, intercept = np.array([[0.3], [-0.1]]), np.array([0.2])
    residual = Y - X @ coef - intercept
    assert prior_floor(X, Y, coef, intercept, None, 0.05) == pytest.approx(
        np.mean(residual**2) / 0.05)


def test_integer_weights_count_as_repeated_rows():
    X, Y, dates = _panel(7, n_dates=12, n_assets=5)
    counts = np.random.default_rng(8).integers(0, 3, len(X))
    weighted = fit_skip(X, Y, counts.astype(float), dates, prior_variance=0.025)
    repeated = fit_skip(np.repeat(X, counts, 0), np.repeat(Y, counts, 0),
                        dates=np.repeat(dates, counts), prior_variance=0.025)
    for a, b in zip(weighted, repeated, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def test_ridge_solve_with_a_penalty_per_coefficient_is_ridge_on_rescaled_inputs():
    # sum_j a_j W_j^2 is ridge with penalty 1 on the inputs x_j / sqrt(a_j)
    X, Y, _ = _panel(9)
    penalties = np.array([0.5, 3.0, 40.0, 40.0, 7.0, 1e3])
    coef, intercept = ridge_solve(X, Y, penalties)
    scale = np.sqrt(penalties)
    reference = Ridge(alpha=1.0).fit(X / scale, Y[:, 0])
    np.testing.assert_allclose(coef[:, 0], reference.coef_ / scale, rtol=1e-9)
    np.testing.assert_allclose(intercept, reference.intercept_, rtol=1e-9)


def _autoregression(n=60, seed=12):
    """y_t = 0.95 y_{t-1} + e_t; inputs: y_{t-1} (the target's previous value), a
    noisy copy of it, and noise."""
    rng = np.random.default_rng(seed)
    y = np.zeros(n + 1)
    for t in range(1, n + 1):
        y[t] = 0.95 * y[t - 1] + rng.normal()
    X = np.column_stack([y[:-1], y[:-1] + rng.normal(size=n), rng.normal(size=n)])
    Y = y[1:, None]
    return X, (Y - Y.mean()) / Y.std()


def test_target_lags_are_the_inputs_equal_to_the_previous_target():
    X, Y = _autoregression()
    np.testing.assert_array_equal(target_lags(X, Y), [True, False, False])
    # scaled and shifted it is the same input (a StandardScaler before the model)
    np.testing.assert_array_equal(target_lags(3 * X - 1, Y), [True, False, False])
    # the lag of either output; a constant column; too few rows
    two = np.column_stack([Y[:, 0], np.r_[X[1:, 2], 0.0]])
    np.testing.assert_array_equal(target_lags(X, two), [True, False, True])
    np.testing.assert_array_equal(target_lags(np.ones((len(Y), 1)), Y), [False])
    np.testing.assert_array_equal(target_lags(X[:2], Y[:2]), [False] * 3)


def test_the_floor_spares_the_targets_previous_value_on_a_series():
    X, Y = _autoregression()
    coef, intercept, alpha = ridge_loo(X, Y)
    floor = prior_floor(X, Y, coef, intercept, None, 0.025)
    assert alpha < floor / 2                   # the floor binds on 60 rows
    series = fit_skip(X, Y, prior_variance=0.025)
    # by hand: the cross-validated penalty on y_{t-1}, the floor on the others
    expected = ridge_solve(X, Y, np.array([alpha, floor, floor]))
    np.testing.assert_allclose(series[0], expected[0], rtol=1e-10)
    np.testing.assert_allclose(series[1], expected[1], rtol=1e-10, atol=1e-12)
    assert series[2] == pytest.approx(floor)
    uniform = ridge_solve(X, Y, floor)[0]
    assert abs(series[0][0, 0]) > abs(uniform[0, 0]) + 0.05
    # on a panel (dates shared by rows) the previous row is another asset's:
    # every input gets the floor
    dates = np.repeat(np.arange(len(Y) // 2), 2)
    panel = fit_skip(X, Y, dates=dates, prior_variance=0.025)
    penalty = panel[2]
    np.testing.assert_allclose(panel[0], ridge_solve(X, Y, penalty)[0], rtol=1e-10)


def test_a_series_gap_chooses_its_penalty_on_embargoed_folds_of_rows():
    # a target summed over the next 12 periods of noise, on persistent inputs:
    # leave-one-out rewards fitting the overlap; folds of consecutive rows with
    # an embargo of 11 rows on either side (each row its own date) do not
    rng = np.random.default_rng(11)
    n, h = 300, 12
    x = np.zeros((n + h, 3))
    for t in range(1, n + h):
        x[t] = 0.95 * x[t - 1] + rng.normal(size=3)
    noise = rng.normal(size=n + h)
    Y = np.array([noise[t + 1:t + 1 + h].sum() for t in range(n)])[:, None]
    X, Y = x[:n], (Y - Y.mean()) / Y.std()
    loo = fit_skip(X, Y)
    embargoed = fit_skip(X, Y, gap=h - 1)
    assert embargoed[2] == pytest.approx(
        ridge_date_folds(X, Y, np.arange(n), gap=h - 1), rel=1e-12)
    assert embargoed[2] > 10 * loo[2]
    assert np.linalg.norm(embargoed[0]) < np.linalg.norm(loo[0]) / 2


@pytest.mark.parametrize("n_outputs", [1, 2])
def test_leave_one_out_chooses_ridgecvs_penalty(n_outputs):
    # without weights, ridge_loo is scikit-learn's RidgeCV on the grid
    # penalty * n_samples: the same leave-one-out errors, penalty and fit
    from sklearn.linear_model import RidgeCV

    rng = np.random.default_rng(3)
    n = 80
    X = rng.normal(size=(n, 5)) * [1, 2, 0.5, 1, 3] + 1.0
    Y = X @ rng.normal(size=(5, n_outputs)) * 0.2 + rng.normal(size=(n, n_outputs))
    coef, intercept, alpha = ridge_loo(X, Y)
    reference = RidgeCV(alphas=RIDGE_PENALTIES * n).fit(X, Y)
    assert alpha == pytest.approx(reference.alpha_, rel=1e-12)
    assert RIDGE_PENALTIES[0] * n < alpha < RIDGE_PENALTIES[-1] * n
    np.testing.assert_allclose(coef, reference.coef_.T.reshape(coef.shape), rtol=1e-8)
    np.testing.assert_allclose(intercept, np.ravel(reference.intercept_), rtol=1e-8,
                               atol=1e-12)
