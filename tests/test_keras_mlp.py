"""What a user of KerasMLPRegressor sees, on whichever backend Keras runs."""

import math
import os
import pickle
import random
import subprocess
import sys

import joblib
import keras
import numpy as np
import pytest
from sklearn.base import clone, is_regressor
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import get_tags

from skquantnn import KerasMLPRegressor
from skquantnn.datasets import make_economic_regression

pytestmark = pytest.mark.keras


@pytest.fixture(scope="module")
def data():
    X, y = make_economic_regression(n_samples=240, random_state=0)
    return StandardScaler().fit_transform(X), y


def small(**params):
    return KerasMLPRegressor(**{"hidden_layer_sizes": (16, 8), "epochs": 4,
                                "random_state": 0, **params})


def test_is_a_regressor_with_modern_tags():
    model = KerasMLPRegressor()
    assert is_regressor(model)
    tags = get_tags(model)
    assert tags.estimator_type == "regressor"
    assert tags.target_tags.multi_output and not tags.input_tags.allow_nan


def test_defaults_are_the_tutorial_network(data):
    X, y = data
    model = KerasMLPRegressor(epochs=1, random_state=0).fit(X, y)
    dense = [layer for layer in model.model_.layers
             if isinstance(layer, keras.layers.Dense)]
    assert [layer.units for layer in dense] == [64, 32, 1]
    assert [layer.get_config()["activation"] for layer in dense] == [
        "relu", "relu", "linear"]
    assert isinstance(model.model_.optimizer, keras.optimizers.Adam)
    assert float(model.model_.optimizer.learning_rate) == pytest.approx(1e-3)
    assert set(model.history_) == {"loss", "mae"}


def test_refits_with_the_same_random_state_are_bit_identical(data):
    X, y = data
    kw = dict(dropout=0.2, validation_split=0.2)
    a = small(**kw).fit(X, y)
    b = small(**kw).fit(X, y)
    assert np.array_equal(a.predict(X), b.predict(X))
    assert a.history_["loss"] == b.history_["loss"]
    c = small(**{**kw, "random_state": 1}).fit(X, y)
    assert not np.allclose(a.predict(X), c.predict(X))


def test_fits_leave_global_random_state_alone(data):
    X, y = data
    python_state, numpy_state = random.getstate(), np.random.get_state()
    deterministic_env = os.environ.get("TF_DETERMINISTIC_OPS")
    small(dropout=0.2).fit(X, y)
    assert random.getstate() == python_state
    after = np.random.get_state()
    assert after[0] == numpy_state[0] and np.array_equal(after[1], numpy_state[1])
    assert os.environ.get("TF_DETERMINISTIC_OPS") == deterministic_env
    if keras.backend.backend() == "tensorflow":
        from tensorflow.python.framework import config  # no public getter

        assert not config.is_op_determinism_enabled()
    # the known scikeras leak: an unseeded dropout fit after a seeded one
    unseeded = KerasMLPRegressor((8,), dropout=0.3, epochs=1).fit(X, y)
    assert np.isfinite(unseeded.predict(X)).all()


def test_clone_keeps_every_parameter_including_routed_ones():
    model = KerasMLPRegressor(hidden_layer_sizes=(7,), dropout=0.1, validation_gap=3,
                              optimizer__beta_1=0.8, fit__validation_freq=2)
    cloned = clone(model)
    assert cloned.get_params() == model.get_params()
    assert cloned.optimizer__beta_1 == 0.8


def test_routed_optimizer_parameters_reach_keras(data):
    X, y = data
    model = small(optimizer__beta_1=0.8, learning_rate=0.01).fit(X, y)
    assert float(model.model_.optimizer.beta_1) == pytest.approx(0.8)
    assert float(model.model_.optimizer.learning_rate) == pytest.approx(0.01)


@pytest.mark.parametrize("dump, load", [(pickle.dumps, pickle.loads),
                                        ("joblib", "joblib")])
def test_persistence_gives_identical_predictions(data, tmp_path, dump, load):
    X, y = data
    model = make_pipeline(StandardScaler(), small()).fit(X, y)
    if dump == "joblib":
        joblib.dump(model, tmp_path / "model.joblib")
        restored = joblib.load(tmp_path / "model.joblib")
    else:
        restored = load(dump(model))
    assert np.array_equal(restored.predict(X), model.predict(X))


def test_validation_split_is_the_chronological_tail(data):
    X, y = data
    model = small(validation_split=0.25, shuffle=False, epochs=1).fit(X, y)
    tail = slice(180, 240)
    expected = np.mean((model.predict(X[tail]) - y[tail]) ** 2)
    assert model.history_["val_loss"][-1] == pytest.approx(expected, rel=1e-4)


@pytest.mark.one_backend  # row counts; the fit below runs on both backends
def test_validation_split_counts_rows_as_keras():
    # Keras's array_slicing.train_validation_split: floor(n * (1 - split))
    # rows train; 90 rows at 0.3 hold out 28, not ceil(27.000...) = 27
    from skquantnn._keras_support import training_batches

    for n in range(20, 400, 7):
        for split in (0.1, 0.2, 0.3, 0.7, 0.9):
            X, Y = np.zeros((n, 1)), np.zeros((n, 1))
            _, (X_val, *_) = training_batches(X, Y, None, split, 0, 32, False, 0)
            assert len(X_val) == n - math.floor(n * (1.0 - split))
    _, (X_val, *_) = training_batches(np.zeros((90, 1)), np.zeros((90, 1)), None,
                                      0.3, 0, 32, False, 0)
    assert len(X_val) == 28


def test_a_weighted_val_loss_is_the_weighted_mean(data):
    X, y = data
    sw = np.random.RandomState(0).uniform(0.2, 3, len(y))
    model = small(validation_split=0.25, shuffle=False, epochs=1, dtype="float64")
    model.fit(X, y, sample_weight=sw)
    tail = slice(180, 240)
    errors = (model.predict(X[tail]) - y[tail]) ** 2
    weighted = np.average(errors, weights=sw[tail])
    assert model.history_["val_loss"][-1] == pytest.approx(weighted, rel=1e-6)
    # not the unweighted mean, nor the weights' scale over every row
    assert abs(weighted - errors.mean()) > 1e-3 * errors.mean()
    assert abs(weighted * sw[tail].mean() / sw.mean() - weighted) > 1e-3 * weighted


def test_validation_gap_rows_are_not_trained_on(data):
    X, y = data
    kw = dict(validation_split=0.25, validation_gap=20)
    a = small(**kw).fit(X, y)
    y_gap = y.copy()
    y_gap[160:180] = 1e3
    b = small(**kw).fit(X, y_gap)
    assert np.array_equal(a.predict(X), b.predict(X))
    y_head = y.copy()
    y_head[159] = 1e3
    c = small(**kw).fit(X, y_head)
    assert not np.array_equal(a.predict(X), c.predict(X))


def test_early_stopping_restores_the_best_weights(data):
    X, y = data
    model = small(validation_split=0.25, early_stopping=True, n_iter_no_change=2,
                  learning_rate=0.05, epochs=40).fit(X, y)
    val = model.history_["val_loss"]
    assert len(val) < 40
    tail = slice(180, 240)
    restored = np.mean((model.predict(X[tail]) - y[tail]) ** 2)
    assert restored == pytest.approx(min(val), rel=1e-4)


def test_early_stopping_needs_a_validation_split(data):
    X, y = data
    with pytest.raises(ValueError, match="validation_split"):
        small(early_stopping=True).fit(X, y)


def test_shapes_and_dtypes_follow_the_data(data):
    X, y = data
    assert small().fit(X, y).predict(X).shape == (240,)
    Y = np.column_stack([y, -y])
    model = small().fit(X, Y)
    assert model.predict(X).shape == (240, 2) and model.n_outputs_ == 2
    model32 = small().fit(X.astype(np.float32), y)
    assert model32.model_.layers[0].dtype == "float32"
    assert model32.predict(X.astype(np.float32)).dtype == np.float32
    assert small(dtype="float32").fit(X, y).model_.layers[0].dtype == "float32"


def test_dataframe_keeps_feature_names():
    X, y = make_economic_regression(n_samples=120, random_state=0, as_frame=True)
    model = small().fit(X, y)
    assert list(model.feature_names_in_) == list(X.columns)
    with pytest.raises(ValueError, match="feature names"):
        model.predict(X[X.columns[::-1]])


def test_zero_sample_weight_equals_dropping_rows(data):
    X, y = data
    sw = np.ones(len(y))
    sw[::3] = 0
    kw = dict(shuffle=False, dtype="float64")
    weighted = small(**kw).fit(X, y, sample_weight=sw)
    dropped = small(**kw).fit(X[sw > 0], y[sw > 0])
    np.testing.assert_allclose(weighted.predict(X), dropped.predict(X), rtol=1e-5,
                               atol=1e-6)


def test_sample_weights_are_a_weighted_mean(data):
    X, y = data
    # scaling every weight by 10 changes nothing: the loss is a weighted mean
    kw = dict(shuffle=False, dtype="float64")
    sw = np.random.RandomState(0).uniform(0.5, 2, len(y))
    a = small(**kw).fit(X, y, sample_weight=sw)
    b = small(**kw).fit(X, y, sample_weight=10 * sw)
    np.testing.assert_allclose(a.predict(X), b.predict(X), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("loss, expected", [
    ("mse", 4.0), ("mae", 2.0), ("huber", 0.5 * (2.0 - 0.25)),
])
def test_losses(data, loss, expected):
    X, y = data
    model = small(loss=loss, huber_delta=0.5).fit(X, y)
    value = model.model_.loss(np.array([[0.0]]), np.array([[2.0]]))
    assert float(keras.ops.convert_to_numpy(value)) == pytest.approx(expected)


def test_penalties_shrink_the_weights(data):
    X, y = data

    def weight_norm(model):
        return sum(float(np.sum(np.abs(w))) for w in model.model_.get_weights()[::2])

    plain = small(epochs=30, learning_rate=0.01).fit(X, y)
    l2 = small(epochs=30, learning_rate=0.01, alpha=50.0).fit(X, y)
    l1 = small(epochs=30, learning_rate=0.01, l1_alpha=5.0).fit(X, y)
    assert weight_norm(l2) < 0.8 * weight_norm(plain)
    assert weight_norm(l1) < 0.8 * weight_norm(plain)


def test_dropout_and_leaky_relu_layers(data):
    X, y = data
    model = small(activation="leaky_relu", dropout=0.25).fit(X, y)
    kinds = [type(layer).__name__ for layer in model.model_.layers]
    assert kinds.count("Dropout") == 2 and kinds.count("LeakyReLU") == 2
    leaky = next(la for la in model.model_.layers if type(la).__name__ == "LeakyReLU")
    assert leaky.get_config()["negative_slope"] == pytest.approx(0.01)
    assert np.array_equal(model.predict(X), model.predict(X))  # no dropout at predict


def test_sigmoid_output_cannot_reach_the_targets(data):
    X, y = data
    model = small(output_activation="sigmoid", epochs=10).fit(X, y)
    pred = model.predict(X)
    assert pred.min() >= 0 and pred.max() <= 1
    assert model.score(X, y) < 0.3


def test_compile_settings_reach_the_model(data):
    X, y = data
    model = small(steps_per_execution=8, jit_compile=False).fit(X, y)
    assert model.model_.steps_per_execution == 8
    assert model.model_.jit_compile is False


def test_build_model_is_the_override_point(data):
    X, y = data

    class Linear(KerasMLPRegressor):
        def build_model(self, meta, compile_kwargs):
            model = keras.Sequential([keras.Input((meta["n_features_in_"],)),
                                      keras.layers.Dense(meta["n_outputs_"])])
            model.compile(**compile_kwargs)
            return model

    model = Linear(epochs=2, random_state=0).fit(X, y)
    assert len(model.model_.layers) == 1


def test_model_parameter_takes_a_builder(data):
    X, y = data

    def builder(meta, compile_kwargs):
        model = keras.Sequential([keras.Input((meta["n_features_in_"],)),
                                  keras.layers.Dense(4, activation="tanh"),
                                  keras.layers.Dense(1)])
        model.compile(**compile_kwargs)
        return model

    model = KerasMLPRegressor(model=builder, epochs=2, random_state=0).fit(X, y)
    assert [la.units for la in model.model_.layers] == [4, 1]
    again = KerasMLPRegressor(model=builder, epochs=2, random_state=0).fit(X, y)
    assert np.array_equal(model.predict(X), again.predict(X))


def test_partial_fit_adds_one_epoch(data):
    X, y = data
    model = small().fit(X, y)
    model.partial_fit(X, y)
    assert len(model.history_["loss"]) == 5


def test_warm_start_keeps_training_the_same_model(data):
    X, y = data
    model = small(warm_start=True).fit(X, y)
    first = model.model_
    model.fit(X, y)
    assert model.model_ is first


@pytest.mark.slow
# fits in other processes run on JAX in test_distributed.py (Dask workers),
# checked there against the same search run locally
@pytest.mark.one_backend
def test_grid_search_in_parallel():
    X, y = make_economic_regression(n_samples=200, random_state=0)
    search = GridSearchCV(
        make_pipeline(StandardScaler(), small()),
        {"kerasmlpregressor__hidden_layer_sizes": [(4,), (16, 8)]},
        cv=TimeSeriesSplit(n_splits=2), n_jobs=2,
    ).fit(X, y)
    assert len(search.cv_results_["mean_test_score"]) == 2
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


@pytest.mark.parametrize("param, value", [
    ("hidden_layer_sizes", (0,)),
    ("activation", "nope"),
    ("loss", "poisson"),
    ("learning_rate", -1),
    ("batch_size", 0),
    ("dropout", 1.0),
    ("validation_split", 1.0),
    ("dtype", "float16"),
])
def test_invalid_parameters_name_themselves(data, param, value):
    X, y = data
    with pytest.raises(ValueError, match=param):
        KerasMLPRegressor(**{param: value}).fit(X, y)


def test_input_errors(data):
    X, y = data
    with pytest.raises(NotFittedError):
        small().predict(X)
    with pytest.raises(ValueError, match="requires y"):
        small().fit(X, None)
    model = small().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:, :3])


def test_divergence_is_a_clear_error(data):
    X, y = data
    with pytest.raises(ValueError, match="learning_rate"):
        small(activation="linear", learning_rate=1e6, optimizer="sgd").fit(
            X * 1e6, y * 1e6)


def test_importing_the_package_does_not_import_keras():
    code = ("import sys, skquantnn; "
            "print('keras' in sys.modules, 'tensorflow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True,
                         text=True, check=True).stdout
    assert out.split() == ["False", "False"]


@pytest.mark.slow
def test_tensorflow_start_up_noise_is_hidden():
    code = ("import numpy as np; from skquantnn import KerasMLPRegressor; "
            "KerasMLPRegressor((4,), epochs=1, steps_per_execution=4)"
            ".fit(np.random.rand(40, 3), np.random.rand(40)); print('done')")
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env)
    assert run.stdout.strip() == "done"
    for noise in ["oneDNN", "absl::InitializeLog", "cpu_feature_guard", "W0000",
                  "DT_DOUBLE", "retracing"]:
        assert noise not in run.stderr


# ------------------------------------------------------------ standardize_target
def test_standardized_target_learns_large_offsets_in_original_units(data):
    X, y = data
    y_big = 1000 * y + 5e4
    raw = small(learning_rate=0.01).fit(X, y_big)
    scaled = small(learning_rate=0.01, standardize_target=True).fit(X, y_big)
    pred = scaled.predict(X)
    assert pred.shape == y_big.shape and pred.dtype == np.float64
    assert abs(pred.mean() - y_big.mean()) < 0.1 * y_big.std()  # original units
    assert scaled.score(X, y_big) > 0.3
    assert raw.score(X, y_big) < -10  # far from the offset in the same epochs
    # the losses are in standardised units
    assert scaled.history_["loss"][-1] < 1 < raw.history_["loss"][-1]


def test_target_scaling_is_the_weighted_mean_and_std(data):
    X, y = data
    y_big = 1000 * y + 5e4
    model = small(epochs=1, standardize_target=True).fit(X, y_big)
    np.testing.assert_allclose(model.target_mean_, [np.mean(y_big)], rtol=1e-12)
    np.testing.assert_allclose(model.target_scale_, [np.std(y_big)], rtol=1e-12)
    sw = np.random.RandomState(0).uniform(0, 3, len(y))
    sw[::7] = 0
    model.fit(X, y_big, sample_weight=sw)  # a fresh fit recomputes them
    mean = np.sum(sw * y_big) / np.sum(sw)
    std = np.sqrt(np.sum(sw * (y_big - mean) ** 2) / np.sum(sw))
    np.testing.assert_allclose(model.target_mean_, [mean], rtol=1e-12)
    np.testing.assert_allclose(model.target_scale_, [std], rtol=1e-12)
    assert model.target_mean_.shape == model.target_scale_.shape == (1,)
    # the training rows only: not the gap, nor the validation tail
    model.set_params(validation_split=0.25, validation_gap=20).fit(X, y_big)
    np.testing.assert_allclose(model.target_mean_, [y_big[:160].mean()], rtol=1e-12)
    np.testing.assert_allclose(model.target_scale_, [y_big[:160].std()], rtol=1e-12)


def test_standardized_multi_output_target(data):
    X, y = data
    Y = np.column_stack([1000 * y + 5e4, 3 - 0.01 * y, np.full(len(y), 7.0)])
    model = small(learning_rate=0.01, standardize_target=True).fit(X, Y)
    np.testing.assert_allclose(model.target_mean_, Y.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(model.target_scale_, [Y[:, 0].std(), Y[:, 1].std(), 1])
    pred = model.predict(X)
    assert pred.shape == (240, 3)
    assert np.all(np.abs(pred.mean(axis=0) - Y.mean(axis=0))
                  < 0.1 * model.target_scale_)
    model32 = small(standardize_target=True).fit(X.astype(np.float32), Y)
    assert model32.predict(X.astype(np.float32)).dtype == np.float32


def test_partial_fit_and_warm_start_reuse_the_first_scaling(data):
    X, y = data
    model = small(standardize_target=True).partial_fit(X[:120], y[:120])
    mean, scale = model.target_mean_, model.target_scale_
    np.testing.assert_allclose(mean, [y[:120].mean()], rtol=1e-12)
    model.partial_fit(X[120:], y[120:] + 100)
    assert np.array_equal(model.target_mean_, mean)
    assert np.array_equal(model.target_scale_, scale)
    model.set_params(warm_start=True).fit(X, 5 * y - 100)
    assert np.array_equal(model.target_mean_, mean)
    model.set_params(warm_start=False).fit(X, y + 100)
    np.testing.assert_allclose(model.target_mean_, [y.mean() + 100], rtol=1e-12)


def test_a_failed_fit_keeps_the_scaling_of_the_kept_model(data):
    X, y = data

    class Fail(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            raise RuntimeError("stop")

    model = small(standardize_target=True).fit(X, y)
    before = model.predict(X)
    mean, scale = model.target_mean_, model.target_scale_
    with pytest.raises(RuntimeError, match="stop"):
        model.set_params(callbacks=[Fail()]).fit(X, 10 * y + 100)
    assert np.array_equal(model.target_mean_, mean)
    assert np.array_equal(model.target_scale_, scale)
    assert np.array_equal(model.set_params(callbacks=None).predict(X), before)


def test_standardize_target_survives_clone_and_pickle(data):
    X, y = data
    model = small(standardize_target=True)
    assert clone(model).get_params()["standardize_target"] is True
    model.fit(X, 1000 * y + 5e4)
    restored = pickle.loads(pickle.dumps(model))
    assert restored.standardize_target is True
    assert np.array_equal(restored.target_mean_, model.target_mean_)
    assert np.array_equal(restored.target_scale_, model.target_scale_)
    assert np.array_equal(restored.predict(X), model.predict(X))


def test_default_leaves_the_target_alone(data):
    X, y = data
    plain = small().fit(X, y)
    default = small(standardize_target=False).fit(X, y)
    assert plain.get_params()["standardize_target"] is False
    assert np.array_equal(plain.predict(X), default.predict(X))
    assert plain.history_["loss"] == default.history_["loss"]
    assert np.array_equal(default.target_mean_, [0.0])
    assert np.array_equal(default.target_scale_, [1.0])
    Y = np.column_stack([y, 1000 * y + 5e4])
    model = small().fit(X, Y)
    assert np.array_equal(model.target_mean_, np.zeros(2))
    assert np.array_equal(model.target_scale_, np.ones(2))
