"""KerasMLPRegressor's compiled training loop against Keras's own, on either backend."""

import keras
import numpy as np
import pytest

from skquantnn import KerasMLPRegressor
from skquantnn.datasets import make_economic_regression

pytestmark = pytest.mark.keras


@pytest.fixture(scope="module")
def data():
    X, y = make_economic_regression(n_samples=200, random_state=0)
    return (X - X.mean(0)) / X.std(0), y


def small(**params):
    return KerasMLPRegressor(**{"hidden_layer_sizes": (16, 8), "epochs": 3,
                                "random_state": 0, **params})


class Recorder(keras.callbacks.Callback):
    """Every hook call as (hook, index, sorted log keys)."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def _record(self, hook, index=None, logs=None):
        self.calls.append((hook, index, sorted(logs or {})))

    def on_epoch_begin(self, epoch, logs=None):
        self._record("epoch_begin", epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._record("epoch_end", epoch, logs)
        self.calls[-1] += (logs["loss"],)

    def on_train_batch_begin(self, batch, logs=None):
        self._record("batch_begin", batch)

    def on_train_batch_end(self, batch, logs=None):
        self._record("batch_end", batch, logs)

    def on_test_end(self, logs=None):
        self._record("test_end", None, logs)


class StopAtEpoch(keras.callbacks.Callback):
    """Raise ``error`` once, when epoch ``epoch`` (0-based) begins."""

    def __init__(self, epoch, error):
        super().__init__()
        self.epoch, self.error = epoch, error

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch and self.error is not None:
            error, self.error = self.error, None
            raise error


@pytest.mark.parametrize("params, weighted", [
    ({}, False),
    ({"shuffle": False, "dtype": "float32"}, False),
    ({"dropout": 0.2, "alpha": 1e-2, "l1_alpha": 1e-3, "validation_split": 0.2,
      "validation_gap": 5}, True),
    ({"loss": "huber", "activation": "leaky_relu", "standardize_target": True,
      "validation_split": 0.25, "early_stopping": True, "n_iter_no_change": 1,
      "learning_rate": 0.1, "epochs": 15}, False),
    ({"loss": "mae", "optimizer__global_clipnorm": 0.1, "batch_size": 48}, True),
])
def test_the_compiled_loop_trains_as_keras_own_loop(data, params, weighted):
    # The same batches in the same order, the same train_step: the same model.
    X, y = data
    Y = np.column_stack([y, 100 * y + 3]) if "standardize_target" in params else y
    weights = np.linspace(0.2, 2.0, len(y)) if weighted else None
    compiled = small(**params).fit(X, Y, sample_weight=weights)
    own = small(training_loop="keras", **params).fit(X, Y, sample_weight=weights)
    assert (compiled.training_loop_, own.training_loop_) == ("compiled", "keras")
    assert compiled.history_.keys() == own.history_.keys()
    for key, values in own.history_.items():
        np.testing.assert_allclose(compiled.history_[key], values, rtol=1e-5,
                                   err_msg=key)
    np.testing.assert_allclose(compiled.predict(X), own.predict(X), rtol=1e-5,
                               atol=1e-6)
    if params.get("early_stopping"):
        assert len(own.history_["loss"]) < params["epochs"]  # it did stop early


def test_callbacks_get_epoch_hooks_and_one_batch_hook_per_epoch(data):
    X, y = data
    recorder = Recorder()
    model = small(validation_split=0.2, callbacks=[recorder]).fit(X, y)
    n_batches = 5  # 160 training rows in batches of 32
    expected = []
    for epoch in range(3):
        expected += [("epoch_begin", epoch, []),
                     ("batch_begin", 0, []),
                     ("batch_end", n_batches - 1, ["loss", "mae"]),
                     ("test_end", None, ["loss", "mae"]),
                     ("epoch_end", epoch, ["loss", "mae", "val_loss", "val_mae"])]
    assert [call[:3] for call in recorder.calls] == expected
    # the epoch's logs are the history's
    assert [call[3] for call in recorder.calls if call[0] == "epoch_end"] == \
        model.history_["loss"]


def test_keras_loop_calls_the_batch_hooks_for_every_batch(data):
    X, y = data
    recorder = Recorder()
    small(epochs=1, training_loop="keras", callbacks=[recorder]).fit(X, y)
    ends = [index for hook, index, *_ in recorder.calls if hook == "batch_end"]
    assert ends == list(range(7))


def test_validation_freq_is_kept_by_the_compiled_loop(data):
    X, y = data
    model = small(epochs=4, validation_split=0.2, fit__validation_freq=2).fit(X, y)
    assert model.training_loop_ == "compiled"
    assert len(model.history_["loss"]) == 4
    assert len(model.history_["val_loss"]) == 2


def test_a_bad_validation_freq_names_itself(data):
    X, y = data
    with pytest.raises(ValueError, match="validation_freq"):
        small(validation_split=0.2, fit__validation_freq="2").fit(X, y)


def test_other_fit_arguments_train_with_keras_loop(data):
    X, y = data
    model = small(epochs=2, fit__steps_per_epoch=3).fit(X, y)
    assert model.training_loop_ == "keras"
    assert len(model.history_["loss"]) == 2


def test_a_model_with_its_own_train_step_trains_with_keras_loop(data):
    X, y = data

    class Counting(keras.Sequential):
        steps = 0

        def train_step(self, *args):
            type(self).steps += 1  # runs while Keras traces its step
            return super().train_step(*args)

    def build(meta, compile_kwargs):
        model = Counting([keras.Input((meta["n_features_in_"],)),
                          keras.layers.Dense(meta["n_outputs_"])])
        model.compile(**compile_kwargs)
        return model

    model = KerasMLPRegressor(model=build, epochs=2, random_state=0).fit(X, y)
    assert model.training_loop_ == "keras"
    assert Counting.steps >= 1
    assert len(model.history_["loss"]) == 2


def test_a_functional_model_trains_with_the_compiled_loop(data):
    X, y = data

    def build(meta, compile_kwargs):
        inputs = keras.Input((meta["n_features_in_"],))
        hidden = keras.layers.Dense(8, activation="tanh")(inputs)
        model = keras.Model(inputs, keras.layers.Dense(meta["n_outputs_"])(hidden))
        model.compile(**compile_kwargs)
        return model

    compiled = KerasMLPRegressor(model=build, epochs=2, random_state=0).fit(X, y)
    own = KerasMLPRegressor(model=build, epochs=2, random_state=0,
                            training_loop="keras").fit(X, y)
    assert compiled.training_loop_ == "compiled"
    np.testing.assert_allclose(compiled.history_["loss"], own.history_["loss"],
                               rtol=1e-5)


@pytest.mark.parametrize("training_loop", ["auto", "keras"])
def test_ctrl_c_keeps_the_epochs_trained_so_far(data, training_loop):
    X, y = data
    model = small(epochs=50, training_loop=training_loop,
                  callbacks=[StopAtEpoch(2, KeyboardInterrupt())])
    with pytest.warns(UserWarning, match="Training interrupted by user."):
        model.fit(X, y)
    assert len(model.history_["loss"]) == 2
    two_epochs = small(epochs=2, training_loop=training_loop).fit(X, y)
    np.testing.assert_array_equal(model.predict(X), two_epochs.predict(X))
    model.partial_fit(X, y)  # and it can go on
    assert len(model.history_["loss"]) == 3


@pytest.mark.parametrize("training_loop", ["auto", "keras"])
def test_ctrl_c_with_early_stopping_restores_the_best_epoch(data, training_loop):
    X, y = data
    params = dict(early_stopping=True, n_iter_no_change=50, validation_split=0.25,
                  learning_rate=0.3, training_loop=training_loop)
    model = small(epochs=50, callbacks=[StopAtEpoch(6, KeyboardInterrupt())],
                  **params)
    with pytest.warns(UserWarning, match="Training interrupted by user."):
        model.fit(X, y)
    val_loss = model.history_["val_loss"]
    assert len(val_loss) == 6
    best = int(np.argmin(val_loss))
    assert best < 5             # else the last epoch's weights would pass too
    best_epochs = small(epochs=best + 1, **params).fit(X, y)
    np.testing.assert_allclose(model.predict(X), best_epochs.predict(X), rtol=1e-6)


def test_other_errors_in_a_callback_still_fail_the_fit(data):
    X, y = data
    with pytest.raises(RuntimeError, match="boom"):
        small(callbacks=[StopAtEpoch(1, RuntimeError("boom"))]).fit(X, y)


@pytest.mark.parametrize("verbose, lines", [(0, 0), (2, 3)])
def test_verbose_prints_a_line_per_epoch(data, capsys, verbose, lines):
    X, y = data
    small(verbose=verbose).fit(X, y)
    out = capsys.readouterr().out
    assert out.count("loss:") == lines
    assert ("Epoch 3/3" in out) is bool(lines)


def test_jit_compile_setting(data):
    X, y = data
    X, y = X[:64], y[:64]  # eager steps on JAX are slow
    model = small(epochs=1, jit_compile=True).fit(X, y)
    plain = small(epochs=1, jit_compile=False).fit(X, y)
    if keras.backend.backend() == "jax":
        # on JAX jit_compile=False asks for eager steps: Keras's loop runs them
        assert (model.training_loop_, plain.training_loop_) == ("compiled", "keras")
    else:
        # on TensorFlow XLA compiles each step inside the compiled epoch
        assert (model.training_loop_, plain.training_loop_) == ("compiled",) * 2
    np.testing.assert_allclose(model.predict(X), plain.predict(X), rtol=1e-4,
                               atol=1e-5)


def test_training_loop_is_validated(data):
    X, y = data
    with pytest.raises(ValueError, match="training_loop"):
        small(training_loop="eager").fit(X, y)
