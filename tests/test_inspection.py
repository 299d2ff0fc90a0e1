"""Local betas against finite differences and against a linear model."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, MinMaxScaler, StandardScaler

from skquantnn import SKLEARN_MLP_PARAMS, NumpyMLPRegressor
from skquantnn.datasets import make_economic_regression
from skquantnn.inspection import local_betas

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def frame():
    X, y = make_economic_regression(n_samples=300, random_state=0, as_frame=True)
    # put the factors on different scales, as raw market data are
    return X * [1, 10, 0.1, 5, 1, 1, 1, 1] + 3, y


def finite_difference_betas(model, X, eps=1e-5):
    values = np.asarray(X, dtype=float)
    betas = np.empty_like(values)
    steps = np.broadcast_to(eps, values.shape[1])
    for j, step in enumerate(steps):
        up, down = values.copy(), values.copy()
        up[:, j] += step
        down[:, j] -= step
        if isinstance(X, pd.DataFrame):
            up, down = (pd.DataFrame(a, columns=X.columns) for a in (up, down))
        betas[:, j] = (model.predict(up) - model.predict(down)) / (2 * step)
    return betas


@pytest.mark.parametrize("config", [{}, {"soft_clip": 3.0}, SKLEARN_MLP_PARAMS],
                         ids=["defaults", "clipped", "sklearn"])
@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "leaky_relu"])
@pytest.mark.parametrize("scaler", [StandardScaler, MinMaxScaler])
def test_numpy_mlp_betas_match_finite_differences_in_original_units(
        frame, activation, scaler, config):
    # The defaults add five members and the skip connection.
    X, y = frame
    model = make_pipeline(scaler(), NumpyMLPRegressor(
        (16, 8), activation=activation, max_iter=30, random_state=0,
        **config)).fit(X.to_numpy(), y)
    # Points off the training rows: the encoding's kinks (bin edges) are
    # training values, where the gradient is one-sided.
    points = X.to_numpy()[:40] + 1e-3
    betas = local_betas(model, points)
    # a small step, so that few ReLU units switch within it
    np.testing.assert_allclose(betas.to_numpy(),
                               finite_difference_betas(model, points, eps=1e-7),
                               rtol=1e-5, atol=1e-7)


def test_linear_network_betas_are_the_regression_coefficients():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(400, 3)) * [1.0, 20.0, 0.05] + [5, -2, 1]
    y = X @ [0.5, -0.1, 12.0] + 0.3
    network = make_pipeline(StandardScaler(), NumpyMLPRegressor(
        (4,), activation="identity", solver="lbfgs", alpha=0.0, max_iter=2000,
        tol=1e-12, random_state=0, **SKLEARN_MLP_PARAMS)).fit(X, y)
    linear = LinearRegression().fit(X, y)
    betas = local_betas(network, X)
    np.testing.assert_allclose(betas.mean().to_numpy(), linear.coef_, rtol=1e-4)
    np.testing.assert_allclose(betas.std().to_numpy(), 0, atol=1e-8)


def test_returns_a_frame_with_the_feature_names(frame):
    X, y = frame
    model = make_pipeline(StandardScaler(), NumpyMLPRegressor(
        max_iter=5, random_state=0)).fit(X, y)
    betas = local_betas(model, X.iloc[:10])
    assert list(betas.columns) == list(X.columns)
    assert betas.index.equals(X.index[:10])
    plain = make_pipeline(StandardScaler(), NumpyMLPRegressor(
        max_iter=5, random_state=0)).fit(X.to_numpy(), y)
    assert list(local_betas(plain, X.iloc[:3].to_numpy()).columns) == [
        f"x{j}" for j in range(8)]


def test_multi_output_picks_the_output(frame):
    X, y = frame
    Y = np.column_stack([y, -2 * X.iloc[:, 0]])
    model = NumpyMLPRegressor(solver="lbfgs", max_iter=300, random_state=0).fit(
        X.to_numpy(), Y)
    betas = local_betas(model, X.to_numpy()[:50], output=1)
    assert betas["x0"].mean() == pytest.approx(-2, rel=0.05)


def test_nonlinear_preprocessing_is_refused(frame):
    X, y = frame
    model = make_pipeline(FunctionTransformer(np.log1p), NumpyMLPRegressor(
        max_iter=2)).fit(X.abs(), y)
    with pytest.raises(ValueError, match="linear preprocessing"):
        local_betas(model, X.abs())


def test_unsupported_estimator_is_a_type_error(frame):
    from sklearn.ensemble import HistGradientBoostingRegressor

    X, y = frame
    model = HistGradientBoostingRegressor(max_iter=5).fit(X, y)
    with pytest.raises(TypeError, match="HistGradientBoostingRegressor"):
        local_betas(model, X)


@pytest.mark.keras
def test_keras_betas_match_finite_differences(frame):
    from skquantnn import KerasMLPRegressor

    X, y = frame
    model = make_pipeline(StandardScaler(), KerasMLPRegressor(
        (16, 8), activation="tanh", epochs=3, dtype="float64",
        random_state=0)).fit(X, y)
    betas = local_betas(model, X.iloc[:30])
    assert isinstance(betas, pd.DataFrame) and list(betas.columns) == list(X.columns)
    # Keras's predict rounds inputs to float32, so the reference steps wide
    expected = finite_difference_betas(model, X.iloc[:30], eps=1e-2 * X.std().values)
    np.testing.assert_allclose(betas.to_numpy(), expected, rtol=1e-3, atol=2e-4)
