"""Learning curves of both estimators."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.linear_model import Ridge  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from skquantnn import NumpyMLPRegressor  # noqa: E402
from skquantnn.datasets import make_economic_regression  # noqa: E402
from skquantnn.plotting import plot_learning_curve  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def data():
    return make_economic_regression(n_samples=300, random_state=0)


def curves(ax):
    return {line.get_label(): line.get_ydata() for line in ax.get_lines()}


def test_numpy_pipeline_curves_are_the_fitted_ones(data):
    X, y = data
    model = make_pipeline(StandardScaler(), NumpyMLPRegressor(
        early_stopping=True, max_iter=15, n_iter_no_change=100, random_state=0))
    model.fit(X, y)
    fig, ax = plt.subplots()
    assert plot_learning_curve(model, ax=ax) is ax
    drawn = curves(ax)
    mlp = model[-1]
    np.testing.assert_array_equal(drawn["Training loss"], mlp.loss_curve_)
    np.testing.assert_array_equal(drawn["Validation loss"], mlp.validation_loss_curve_)
    assert ax.get_xlabel() == "Epoch" and "NumpyMLPRegressor" in ax.get_title()
    plt.close(fig)


def test_without_validation_only_the_training_curve(data):
    X, y = data
    ax = plot_learning_curve(
        NumpyMLPRegressor(max_iter=5, early_stopping=False).fit(X, y), title="t")
    assert list(curves(ax)) == ["Training loss"] and ax.get_title() == "t"
    plt.close(ax.figure)


@pytest.mark.keras
def test_keras_curves_come_from_history(data):
    from skquantnn import KerasMLPRegressor

    X, y = data
    model = KerasMLPRegressor((8,), epochs=3, validation_split=0.2,
                              random_state=0).fit(X, y)
    drawn = curves(plot_learning_curve(model))
    np.testing.assert_array_equal(drawn["Training loss"], model.history_["loss"])
    np.testing.assert_array_equal(drawn["Validation loss"], model.history_["val_loss"])
    plt.close("all")


def test_refuses_estimators_without_curves(data):
    X, y = data
    with pytest.raises(TypeError, match="records no loss curve"):
        plot_learning_curve(Ridge().fit(X, y))
