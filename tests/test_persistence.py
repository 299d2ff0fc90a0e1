"""pickle, joblib and the safe skops format, for both estimators in a Pipeline."""

import io
import pickle

import joblib
import numpy as np
import pytest
import skops.io as sio
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skquantnn import SKLEARN_MLP_PARAMS, NumpyMLPRegressor
from skquantnn.datasets import make_economic_regression

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# The types to trust when loading with skops.io, as the docs list them.
TRUSTED = {
    "numpy": ["skquantnn._numpy_mlp.NumpyMLPRegressor",
              "skquantnn._optimizers.AdamOptimizer"],
    "keras": ["skquantnn._keras_mlp.KerasMLPRegressor"],
}


def numpy_model():
    return NumpyMLPRegressor((8,), max_iter=5, random_state=0)


def keras_model():
    from skquantnn import KerasMLPRegressor

    return KerasMLPRegressor((8,), epochs=2, alpha=0.01, activation="leaky_relu",
                             validation_split=0.2, random_state=0)


MODELS = [pytest.param("numpy", numpy_model, id="numpy"),
          pytest.param("keras", keras_model, id="keras", marks=pytest.mark.keras)]


def joblib_round_trip(model):
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    buffer.seek(0)
    return joblib.load(buffer)


def skops_round_trip(model, trusted):
    data = sio.dumps(model)
    assert sorted(sio.get_untrusted_types(data=data)) == sorted(trusted)
    return sio.loads(data, trusted=trusted)


@pytest.fixture(scope="module")
def data():
    return make_economic_regression(n_samples=200, random_state=0, as_frame=True)


@pytest.mark.parametrize("kind, make", MODELS)
@pytest.mark.parametrize("how", ["pickle", "joblib", "skops"])
def test_round_trip_gives_identical_predictions(data, kind, make, how):
    X, y = data
    model = make_pipeline(StandardScaler(), make()).fit(X, y)
    restored = {
        "pickle": lambda m: pickle.loads(pickle.dumps(m)),
        "joblib": joblib_round_trip,
        "skops": lambda m: skops_round_trip(m, TRUSTED[kind]),
    }[how](model)
    assert np.array_equal(restored.predict(X), model.predict(X))
    # the original is untouched and both keep training from where they were
    assert np.array_equal(model.predict(X), model.predict(X))
    restored[-1].partial_fit(StandardScaler().fit(X).transform(X), y)
    assert np.isfinite(restored.predict(X)).all()


@pytest.mark.parametrize("kind, make", MODELS)
def test_skops_refuses_untrusted_types_by_default(data, kind, make):
    X, y = data
    payload = sio.dumps(make().fit(X, y))
    with pytest.raises(sio.exceptions.UntrustedTypesFoundException):
        sio.loads(payload)


@pytest.mark.parametrize("how", ["pickle", "skops"])
def test_round_trip_keeps_coefs_the_network(data, how):
    X, y = data
    model = NumpyMLPRegressor((8,), max_iter=5, random_state=0,
                              **SKLEARN_MLP_PARAMS).fit(X, y)
    restored = (pickle.loads(pickle.dumps(model)) if how == "pickle"
                else skops_round_trip(model, TRUSTED["numpy"]))
    before = model.predict(X)
    restored.coefs_[-1][:] = 0.0        # the output layer: predict is its intercept
    np.testing.assert_allclose(restored.predict(X), restored.intercepts_[-1][0])
    np.testing.assert_array_equal(model.predict(X), before)
