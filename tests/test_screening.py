"""The screen that chooses the hidden layers' inputs."""

import numpy as np
import pytest

from skquantnn._screening import (
    additive_statistics,
    interaction_statistics,
    screen_features,
)


def _noise(n, p, seed):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, p)), rng


def test_finds_an_interaction_among_noise_features():
    X, rng = _noise(3000, 12, 0)
    r = 0.3 * X[:, 3] * X[:, 7] + rng.standard_t(5, 3000)
    assert set(screen_features(X, r[:, None], 8, 0.01, 16)) == {3, 7}


def test_finds_a_threshold_and_a_curvature():
    X, rng = _noise(3000, 12, 1)
    r = 0.3 * np.sign(X[:, 5]) + 0.2 * X[:, 9] ** 2 + rng.normal(size=3000)
    kept = screen_features(X, r[:, None], 8, 0.01, 16)
    assert set(kept) == {5, 9}
    assert kept[0] == 5                      # the stronger evidence first


def test_pure_noise_rarely_passes():
    passed = sum(len(screen_features(*_screen_noise(seed), 8, 0.05, 16)) > 0
                 for seed in range(40))
    # family-wise level 5%: expect 2 of 40; 8 or more is very unlikely (p < 0.001)
    assert passed < 8


def _screen_noise(seed):
    X, rng = _noise(400, 8, 100 + seed)
    return X, rng.standard_t(4, (400, 1))


def test_max_features_keeps_the_most_significant():
    X, rng = _noise(4000, 6, 2)
    r = X[:, 0] * X[:, 1] + 0.2 * X[:, 2] * X[:, 3] + rng.normal(size=4000)
    kept = screen_features(X, r[:, None], 8, 0.01, 2)
    assert set(kept) == {0, 1}


def test_each_output_is_screened():
    X, rng = _noise(3000, 8, 3)
    R = np.c_[0.4 * X[:, 0] * X[:, 1], 0.4 * np.abs(X[:, 6])] + rng.normal(size=(
        3000, 2))
    assert set(screen_features(X, R, 8, 0.01, 16)) == {0, 1, 6}


def test_interaction_statistic_is_the_scaled_correlation():
    X, rng = _noise(500, 3, 4)
    r = X[:, 0] * X[:, 2] + rng.normal(size=500)
    t = interaction_statistics(X, r)
    Z = (X - X.mean(0)) / X.std(0)
    expected = np.corrcoef(r, Z[:, 0] * Z[:, 2])[0, 1] * np.sqrt(500)
    assert t[0, 2] == pytest.approx(expected, rel=1e-10)
    assert t[2, 0] == t[0, 2] and t[1, 1] == 0


def test_shape_statistic_is_n_r2_of_a_regression_on_the_bins():
    # by hand: the bins at the empirical quantiles, an ordinary least-squares fit
    # of r on them with an intercept, and n times its R^2
    X, rng = _noise(400, 2, 5)
    r = np.abs(X[:, 1]) + rng.normal(size=400)
    stats, dof = additive_statistics(X, r, 4)
    edges = np.quantile(X[:, 1], np.linspace(0, 1, 5), method="inverted_cdf")
    B = np.column_stack([np.clip((X[:, 1] - edges[t]) / (edges[t + 1] - edges[t]), 0, 1)
                         for t in range(4)])
    design = np.column_stack([np.ones(400), B])
    fitted = design @ np.linalg.lstsq(design, r, rcond=None)[0]
    r2 = 1 - ((r - fitted) ** 2).sum() / ((r - r.mean()) ** 2).sum()
    assert dof[1] == 4
    assert stats[1] == pytest.approx(400 * r2, rel=1e-8)


@pytest.mark.parametrize("statistic", ["interaction", "additive"])
def test_integer_weights_count_as_repeated_rows(statistic):
    X, rng = _noise(60, 3, 5)
    r = X[:, 0] * X[:, 1] + rng.normal(size=60)
    w = rng.integers(0, 4, size=60).astype(float)
    Xr, rr = np.repeat(X, w.astype(int), axis=0), np.repeat(r, w.astype(int))
    if statistic == "interaction":
        weighted = interaction_statistics(X, r, w)
        repeated = interaction_statistics(Xr, rr)
        # Kish's effective rows replace the row count
        n_eff = w.sum() ** 2 / (w**2).sum()
        np.testing.assert_allclose(weighted / np.sqrt(n_eff),
                                   repeated / np.sqrt(len(rr)), atol=1e-12)
    else:
        weighted, dof = additive_statistics(X, r, 4, w)
        repeated, dof_r = additive_statistics(Xr, rr, 4)
        n_eff = w.sum() ** 2 / (w**2).sum()
        np.testing.assert_allclose(weighted / n_eff, repeated / len(rr),
                                   atol=1e-12)
        np.testing.assert_array_equal(dof, dof_r)


def test_constant_residual_gives_no_evidence():
    X, _ = _noise(100, 4, 6)
    assert len(screen_features(X, np.ones((100, 1)), 8, 0.01, 16)) == 0
