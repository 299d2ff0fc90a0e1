"""The default recipe's input stage and linear floor: which inputs the networks
see, how they see them, and what that does to forecasts."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import RidgeCV
from sklearn.metrics import r2_score

from skquantnn import SKLEARN_MLP_PARAMS, NumpyMLPRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def nonlinear():
    """An interaction, a threshold and eight noise inputs, Student-t noise."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3000, 10))
    y = (0.5 * X[:, 1] * X[:, 4] + 0.5 * np.sign(X[:, 7]) + 0.3 * X[:, 0]
         + rng.standard_t(5, 3000))
    return X, y


@pytest.fixture(scope="module")
def fitted(nonlinear):
    X, y = nonlinear
    return NumpyMLPRegressor(random_state=0).fit(X[:2400], y[:2400])


def test_the_screen_keeps_the_inputs_with_non_linear_effects(fitted):
    assert set(fitted.hidden_features_) == {1, 4, 7}
    assert fitted.coefs_[0].shape == (3 * (fitted.n_bins + 1), 64)
    assert fitted.embedding_edges_.shape == (fitted.n_bins + 1, 3)


def test_the_networks_earn_their_place_out_of_sample(fitted, nonlinear):
    X, y = nonlinear
    ridge = RidgeCV().fit(X[:2400], y[:2400])
    assert fitted.shrinkage_[0] < 0.5
    assert (r2_score(y[2400:], fitted.predict(X[2400:]))
            > r2_score(y[2400:], ridge.predict(X[2400:])) + 0.05)


def test_on_noise_nothing_passes_and_the_forecast_is_the_skip_connection():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(2000, 8))
    y = 0.3 * X[:, 0] + rng.normal(size=2000)
    model = NumpyMLPRegressor(random_state=0).fit(X, y)
    assert len(model.hidden_features_) == 0 and model.n_iter_ == 0
    assert model.shrinkage_[0] == 1.0
    np.testing.assert_allclose(model.predict(X[:50]), X[:50] @ model.skip_coef_[:, 0]
                               + model.skip_intercept_[0], rtol=1e-12)


def test_the_encoding_does_not_extrapolate(fitted, nonlinear):
    # beyond the training range the networks see a constant: the forecast moves
    # with the skip connection only
    row = np.zeros((1, 10))
    far, farther = row.copy(), row.copy()
    far[0, 4], farther[0, 4] = 10.0, 1000.0
    hidden = [fitted.predict(r) - (r @ fitted.skip_coef_[:, 0]) for r in (far, farther)]
    assert hidden[0] == pytest.approx(hidden[1], abs=1e-9)
    X, y = nonlinear
    raw = NumpyMLPRegressor(random_state=0, embedding=None, shrinkage=0.0,
                            max_iter=30).fit(X[:2400], y[:2400])
    unbounded = [raw.predict(r) - (r @ raw.skip_coef_[:, 0]) for r in (far, farther)]
    assert abs(unbounded[1] - unbounded[0]) > 1.0


def test_max_hidden_features_keeps_the_strongest(nonlinear):
    X, y = nonlinear
    model = NumpyMLPRegressor(random_state=0, max_hidden_features=2,
                              max_iter=5).fit(X[:2400], y[:2400])
    assert len(model.hidden_features_) == 2
    assert set(model.hidden_features_) <= {1, 4, 7}


def test_screening_off_and_no_embedding_give_every_input_as_it_is(nonlinear):
    X, y = nonlinear
    model = NumpyMLPRegressor(random_state=0, screening_level=None, embedding=None,
                              max_iter=3).fit(X, y)
    assert model.hidden_features_ is None and model.embedding_edges_ is None
    assert model.coefs_[0].shape == (10, 64)
    sk = NumpyMLPRegressor(**SKLEARN_MLP_PARAMS, max_iter=3).fit(X, y)
    assert sk.hidden_features_ is None and sk.embedding_edges_ is None


def test_every_output_is_screened():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(3000, 6))
    Y = np.c_[X[:, 0] * X[:, 1], np.abs(X[:, 5])] + rng.normal(size=(3000, 2))
    model = NumpyMLPRegressor(random_state=0, max_iter=5).fit(X, Y)
    assert set(model.hidden_features_) == {0, 1, 5}
    assert model.predict(X[:3]).shape == (3, 2)


def test_float32_encodes_in_float32(nonlinear):
    X, y = nonlinear
    model = NumpyMLPRegressor(random_state=0, max_iter=3).fit(
        X.astype(np.float32), y.astype(np.float32))
    assert model.embedding_edges_.dtype == np.float32
    assert model.predict(X[:5].astype(np.float32)).dtype == np.float32


def test_warm_start_and_partial_fit_keep_what_the_networks_see(nonlinear):
    X, y = nonlinear
    model = NumpyMLPRegressor(random_state=0, warm_start=True, max_iter=3).fit(
        X[:2400], y[:2400])
    features, edges = model.hidden_features_.copy(), model.embedding_edges_.copy()
    model.fit(X[2400:], y[2400:])          # other rows would screen differently
    np.testing.assert_array_equal(model.hidden_features_, features)
    np.testing.assert_array_equal(model.embedding_edges_, edges)
    streamed = NumpyMLPRegressor(random_state=0).partial_fit(X[:1500], y[:1500])
    first = streamed.hidden_features_.copy()
    streamed.partial_fit(X[1500:], y[1500:])
    np.testing.assert_array_equal(streamed.hidden_features_, first)


def test_the_prior_floor_keeps_a_short_regression_on_levels_near_the_mean():
    # 36 quarters of two trending levels that happen to track the target; the
    # test quarters' levels lie far outside: leave-one-out ridge extrapolates
    rng = np.random.default_rng(3)
    t = np.arange(60.0)
    X = np.c_[t / 10 + rng.normal(scale=0.2, size=60),
              -t / 15 + rng.normal(scale=0.2, size=60), rng.normal(size=(60, 2))]
    y = 0.1 * t[:60] * (t < 36) + rng.normal(size=60)      # the trend stops
    train, test = slice(0, 36), slice(36, 60)
    kw = dict(random_state=0, max_iter=5)
    floored = NumpyMLPRegressor(**kw).fit(X[train], y[train])
    free = NumpyMLPRegressor(skip_prior_variance=None, **kw).fit(X[train], y[train])
    assert floored.skip_alpha_ > free.skip_alpha_
    mean = y[train].mean()
    error = {name: np.mean((m.predict(X[test]) - y[test]) ** 2)
             for name, m in (("floored", floored), ("free", free))}
    assert error["floored"] < error["free"]
    assert np.abs(floored.predict(X[test]) - mean).max() < np.abs(
        free.predict(X[test]) - mean).max()


def test_on_a_panel_the_skip_penalty_comes_from_folds_of_whole_dates():
    rng = np.random.default_rng(4)
    dates = np.repeat(pd.date_range("2000-01-31", periods=60, freq="ME"), 50)
    X = rng.normal(size=(3000, 5))
    shocks = rng.normal(scale=0.5, size=60)
    y = 0.1 * X[:, 0] + np.repeat(shocks, 50) * X[:, 1] + rng.normal(size=3000)
    index = pd.MultiIndex.from_arrays([dates, np.tile(np.arange(50), 60)])
    frame = pd.DataFrame(X, index=index)
    kw = dict(random_state=0, max_iter=3, shrinkage=None, screening_level=None,
              embedding=None)
    panel = NumpyMLPRegressor(**kw).fit(frame, y)
    rows = NumpyMLPRegressor(**kw).fit(X, y)
    # the dates' shocks on x1 do not carry across dates: a larger penalty
    assert panel.skip_alpha_ > 3 * rows.skip_alpha_
    assert abs(panel.skip_coef_[1, 0]) < abs(rows.skip_coef_[1, 0])


@pytest.mark.parametrize("param, value", [
    ("n_bins", 0), ("screening_level", 1.0), ("screening_level", 0.0),
    ("max_hidden_features", 0), ("skip_prior_variance", 0.0),
    ("embedding", "periodic"),
])
def test_bad_recipe_parameters_name_themselves(param, value):
    with pytest.raises(ValueError, match=param):
        NumpyMLPRegressor(**{param: value}).fit(np.ones((30, 2)), np.arange(30.0))
