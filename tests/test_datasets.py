"""The simulated data reproduce the tutorials' arrays."""

import numpy as np
import pandas as pd
import pytest

from skquantnn.datasets import make_economic_regression, make_tinymlp_regression


def tutorial_arrays():
    # seed 000, Step 1, verbatim (the typographic minus fixed)
    np.random.seed(42)
    X = np.random.randn(2000, 8)
    y = (np.sin(X[:, 0]) + X[:, 1] ** 2 + np.log(np.abs(X[:, 2]) + 1)
         - X[:, 3] * 1.5) + np.random.normal(0, 0.5, 2000)
    return X, y


def test_random_state_42_gives_the_keras_tutorials_arrays():
    X_ref, y_ref = tutorial_arrays()
    X, y = make_economic_regression(random_state=42)
    assert np.array_equal(X, X_ref) and np.array_equal(y, y_ref)


def test_global_seed_path_gives_the_same_arrays():
    X_ref, y_ref = tutorial_arrays()
    np.random.seed(42)
    X, y = make_economic_regression()
    assert np.array_equal(X, X_ref) and np.array_equal(y, y_ref)


def test_as_frame_has_named_factors_and_business_days():
    X, y = make_economic_regression(n_samples=30, n_features=10, random_state=0,
                                    as_frame=True)
    assert isinstance(X, pd.DataFrame) and isinstance(y, pd.Series)
    assert list(X.columns[:4]) == ["growth", "inflation", "rates", "credit"]
    assert list(X.columns[8:]) == ["factor_8", "factor_9"]
    assert isinstance(X.index, pd.DatetimeIndex) and X.index.name == "date"
    assert (X.index.day_of_week < 5).all() and X.index.is_monotonic_increasing
    assert y.name == "return" and y.index.equals(X.index)
    X_arr, y_arr = make_economic_regression(n_samples=30, n_features=10,
                                            random_state=0)
    assert np.array_equal(X.to_numpy(), X_arr) and np.array_equal(y.to_numpy(), y_arr)


def test_noise_parameter():
    _, clean = make_economic_regression(n_samples=500, noise=0.0, random_state=0)
    X, noisy = make_economic_regression(n_samples=500, noise=2.0, random_state=0)
    assert np.std(noisy - clean) == pytest.approx(2.0, rel=0.1)


def test_needs_four_features():
    with pytest.raises(ValueError, match="n_features"):
        make_economic_regression(n_features=3)


def test_tinymlp_data_are_the_from_scratch_tutorials():
    rng = np.random.default_rng(37)
    X_ref = rng.uniform(-2, 2, size=(200, 2))
    X, y = make_tinymlp_regression()
    assert np.array_equal(X, X_ref)
    assert np.array_equal(y, np.sin(X_ref[:, 0]) + 0.3 * X_ref[:, 1] ** 2)
