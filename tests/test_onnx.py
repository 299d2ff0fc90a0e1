"""ONNX export: onnxruntime gives what predict gives, for both estimators, alone
and in a Pipeline, float32 and float64, one and several networks."""

import itertools

import numpy as np
import onnxruntime as ort
import pytest
import skl2onnx
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skquantnn import SKLEARN_MLP_PARAMS, NumpyMLPRegressor
from skquantnn.onnx import register, to_onnx

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

rng = np.random.RandomState(0)
X = rng.normal(size=(200, 4)) * [1.0, 3.0, 0.5, 2.0] + 1.0
Y = np.column_stack([np.sin(X[:, 0]) + 0.1 * X[:, 1] ** 2, X[:, 2] - X[:, 3]])


def run_onnx(onx, X_in):
    session = ort.InferenceSession(onx.SerializeToString(),
                                   providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["X"]
    return session.run(None, {"X": X_in})[0]


def assert_parity(model, dtype, X_in=X):
    X_in = X_in.astype(dtype)
    out = run_onnx(to_onnx(model, X_in[:2]), X_in)
    expected = model.predict(X_in)
    assert out.dtype == dtype
    assert out.shape == (len(X_in), expected.size // len(X_in))
    # 1e-5 relative; predictions within 1e-6 of zero are compared absolutely
    np.testing.assert_allclose(out, expected.reshape(out.shape), rtol=1e-5,
                               atol=1e-6)


ACTIVATIONS = ["relu", "tanh", "logistic", "identity", "leaky_relu"]


@pytest.mark.parametrize("activation, output_activation", list(itertools.product(
    ACTIVATIONS, ["identity", "tanh", "relu"])))
def test_numpy_mlp_every_activation(activation, output_activation):
    model = make_pipeline(StandardScaler(), NumpyMLPRegressor(
        (8, 4), activation=activation, output_activation=output_activation,
        n_networks=3, max_iter=10, random_state=0)).fit(X, Y[:, 0])
    assert_parity(model, np.float32)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("config", [
    {},                                                  # the defaults
    {"soft_clip": 3.0, "shrinkage": 0.4},                # clipping, fixed shrinkage
    {"skip_connection": False, "standardize_target": False},
    SKLEARN_MLP_PARAMS,                                  # scikit-learn's network
], ids=["defaults", "clip-shrink", "no-skip", "sklearn"])
@pytest.mark.parametrize("outputs", [1, 2])
def test_numpy_mlp_configurations(dtype, config, outputs):
    y = Y[:, 0] if outputs == 1 else Y
    model = make_pipeline(StandardScaler(), NumpyMLPRegressor(
        (8,), max_iter=15, random_state=0, **config)).fit(X.astype(dtype), y)
    if "embedding" not in config:
        # the screen keeps features and the graph encodes them
        assert len(model[-1].hidden_features_) > 0
        assert model[-1].embedding_edges_.dtype == dtype
    assert_parity(model, dtype)


def test_the_shrinkage_and_the_skip_connection_are_in_the_graph():
    # on noise beyond a linear signal the defaults shrink the networks away; the
    # graph must then be the skip connection, not the networks
    rng_ = np.random.RandomState(1)
    X_ = rng_.normal(size=(600, 3))
    y = X_[:, 0] + rng_.normal(size=600)
    model = NumpyMLPRegressor(max_iter=20, random_state=0).fit(X_, y)
    assert 0 < model.shrinkage_[0]
    assert len(model.hidden_features_) == 0       # nothing passed the screen
    assert_parity(model, np.float64, X_)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_networks_refitted_on_every_row_are_exported(dtype):
    # the refit draws new networks on inputs screened on every row: the graph
    # must carry those, in the fit's dtype, for both outputs
    rng_ = np.random.RandomState(2)
    X_ = rng_.normal(size=(600, 4))
    Y_ = np.column_stack([np.sin(2 * X_[:, 0]) + X_[:, 1] ** 2, X_[:, 2] * X_[:, 3]])
    Y_ += 0.1 * rng_.normal(size=Y_.shape)
    model = NumpyMLPRegressor((16,), n_networks=3, max_iter=40, random_state=0)
    model.fit(X_.astype(dtype), Y_.astype(dtype))
    assert model.refit_epochs_ is not None and np.all(model.shrinkage_ < 1)
    assert model.members_coefs_[0].dtype == dtype
    assert_parity(model, dtype, X_)


def test_the_estimator_alone_and_plain_skl2onnx():
    model = NumpyMLPRegressor((6,), max_iter=10, random_state=0).fit(X, Y)
    register()
    onx = skl2onnx.to_onnx(make_pipeline(StandardScaler().fit(X), model).fit(X, Y),
                           X[:1].astype(np.float32))
    out = run_onnx(onx, X.astype(np.float32))
    assert out.shape == (200, 2)
    assert_parity(model, np.float64)


def test_an_unfitted_model_is_refused():
    with pytest.raises(NotFittedError, match="not fitted"):
        to_onnx(make_pipeline(StandardScaler(), NumpyMLPRegressor()), X[:2])


# ----------------------------------------------------------------- Keras
keras_only = pytest.mark.keras


@keras_only
@pytest.mark.parametrize("config", [
    {},
    {"activation": "leaky_relu", "dropout": 0.2, "standardize_target": True},
    {"activation": "tanh", "output_activation": "tanh", "dtype": "float64"},
], ids=["tutorial", "leaky-dropout-scaled", "tanh-float64"])
# the converter reads the same NumPy weights on either backend, one output or
# two: the second output adds nothing backend-specific (TensorFlow runs it)
@pytest.mark.parametrize("outputs", [1, pytest.param(2, marks=pytest.mark.one_backend)])
def test_keras_mlp_parity(config, outputs):
    from skquantnn import KerasMLPRegressor

    dtype = np.float64 if config.get("dtype") == "float64" else np.float32
    y = Y[:, 0] if outputs == 1 else Y
    model = make_pipeline(StandardScaler(), KerasMLPRegressor(
        (8, 4), epochs=2, random_state=0, **config)).fit(X.astype(dtype), y)
    assert_parity(model, dtype)


@keras_only
def test_keras_users_dense_model_converts_and_other_layers_are_named():
    import keras

    from skquantnn import KerasMLPRegressor

    def dense(meta, compile_kwargs):
        model = keras.Sequential([keras.Input((meta["n_features_in_"],)),
                                  keras.layers.Dense(5, activation="sigmoid"),
                                  keras.layers.Activation("relu"),
                                  keras.layers.Dense(meta["n_outputs_"])])
        model.compile(**compile_kwargs)
        return model

    def normalised(meta, compile_kwargs):
        model = keras.Sequential([keras.Input((meta["n_features_in_"],)),
                                  keras.layers.Dense(5, activation="relu"),
                                  keras.layers.BatchNormalization(name="bn"),
                                  keras.layers.Dense(meta["n_outputs_"])])
        model.compile(**compile_kwargs)
        return model

    def softplus(meta, compile_kwargs):
        model = keras.Sequential([keras.Input((meta["n_features_in_"],)),
                                  keras.layers.Dense(5, activation="softplus",
                                                     name="soft"),
                                  keras.layers.Dense(meta["n_outputs_"])])
        model.compile(**compile_kwargs)
        return model

    fitted = KerasMLPRegressor(model=dense, epochs=2, random_state=0).fit(X, Y[:, 0])
    assert_parity(fitted, np.float32)
    for builder, message in [(normalised, "'bn' of type BatchNormalization"),
                             (softplus, "activation 'softplus' of Keras layer "
                                        "'soft'")]:
        model = KerasMLPRegressor(model=builder, epochs=1, random_state=0).fit(
            X, Y[:, 0])
        with pytest.raises(ValueError, match=message):
            to_onnx(model, X[:2])


# --------------------------------------------------------- skquantnn export
class Halve(StandardScaler):
    """A transformer from outside scikit-learn, NumPy and skquantnn."""


@pytest.mark.parametrize("store", ["skops", "joblib"])
def test_export_command_writes_a_working_graph(tmp_path, capsys, store):
    import joblib
    import skops.io as sio

    from skquantnn.cli import main

    model = make_pipeline(StandardScaler(), NumpyMLPRegressor(
        (8,), max_iter=10, random_state=0)).fit(X, Y)
    saved = tmp_path / f"model.{store}"
    sio.dump(model, saved) if store == "skops" else joblib.dump(model, saved)
    out = tmp_path / "model.onnx"
    assert main(["export", str(saved), str(out)]) == 0
    assert "input 'X' (float32, 4 columns)" in capsys.readouterr().out
    import onnx

    got = run_onnx(onnx.load(out), X.astype(np.float32))
    np.testing.assert_allclose(got, model.predict(X.astype(np.float32)), rtol=1e-5,
                               atol=1e-6)


@pytest.mark.parametrize("name, message", [
    ("missing.skops", "model file not found"),
    ("model.txt", "unknown model file type '.txt'"),
    ("foreign.skops", "not scikit-learn's, NumPy's or skquantnn's: "
                      "test_onnx.Halve"),
])
def test_export_command_errors_are_one_line(tmp_path, capsys, name, message):
    import skops.io as sio

    from skquantnn.cli import main

    if name == "model.txt":
        (tmp_path / name).write_text("not a model")
    if name == "foreign.skops":
        sio.dump(make_pipeline(Halve(), NumpyMLPRegressor((4,), max_iter=2))
                 .fit(X, Y[:, 0]), tmp_path / name)
    assert main(["export", str(tmp_path / name), str(tmp_path / "x.onnx")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err
    assert not (tmp_path / "x.onnx").exists()
