"""Many KerasMLPRegressor fits in one process: shared compiled twins, same results,
bounded memory."""

import random
import subprocess
import sys
import textwrap
import threading

import keras
import numpy as np
import pytest
from sklearn.base import clone

from skquantnn import KerasMLPRegressor, _keras_compiled, _keras_support
from skquantnn.datasets import make_economic_regression

pytestmark = pytest.mark.keras


@pytest.fixture(scope="module")
def data():
    X, y = make_economic_regression(n_samples=200, random_state=0)
    return (X - X.mean(0)) / X.std(0), y


@pytest.fixture
def fresh_twins(monkeypatch):
    _keras_compiled.clear_twins()
    yield monkeypatch
    _keras_compiled.clear_twins()


def small(**params):
    return KerasMLPRegressor(**{"hidden_layer_sizes": (16, 8), "epochs": 3,
                                "batch_size": 32, "random_state": 0, **params})


def fit_and_continue(estimator, X, y, sample_weight=None):
    """Predictions and losses after fit, then after one partial_fit."""
    estimator.fit(X, y, sample_weight=sample_weight)
    first = estimator.predict(X)
    estimator.partial_fit(X, y)
    return first, estimator.predict(X), list(estimator.history_["loss"])


@pytest.mark.parametrize("params", [
    {},
    {"dropout": 0.2, "alpha": 1e-3},
    {"validation_split": 0.2, "early_stopping": True, "n_iter_no_change": 1},
    # other layers and loss, the same state to carry over as {}: TensorFlow only
    pytest.param({"loss": "huber", "activation": "leaky_relu", "learning_rate": 3e-3},
                 marks=pytest.mark.one_backend),
])
def test_a_shared_twin_trains_exactly_as_a_model_of_its_own(data, fresh_twins,
                                                            params):
    X, y = data
    weights = np.linspace(0.5, 1.5, len(y))
    fresh_twins.setattr(_keras_compiled, "MAX_TWINS", 0)
    alone = fit_and_continue(small(**params), X, y, weights)
    assert not _keras_compiled._twins

    fresh_twins.setattr(_keras_compiled, "MAX_TWINS", 8)
    # another estimator leaves its own state in the twin first
    small(random_state=7, **params).fit(X[::-1], y[::-1])
    shared = fit_and_continue(small(**params), X, y, weights)
    assert len(_keras_compiled._twins) == 1
    np.testing.assert_array_equal(shared[0], alone[0])
    np.testing.assert_array_equal(shared[1], alone[1])
    assert shared[2] == alone[2]


def test_estimators_sharing_a_twin_keep_their_own_state(data, fresh_twins):
    X, y = data
    first = small().fit(X, y)
    before = first.predict(X)
    untouched = clone(first).fit(X, y)

    small(random_state=3).fit(X, -y)  # same architecture, other weights and moments
    np.testing.assert_array_equal(first.predict(X), before)
    # the optimizer's moments and step count came back with the weights too
    first.partial_fit(X, y)
    untouched.partial_fit(X, y)
    np.testing.assert_array_equal(first.predict(X), untouched.predict(X))
    assert int(first.model_.optimizer.iterations) == \
        int(untouched.model_.optimizer.iterations) == 4 * 7


# The key and the cache are Keras configs and Python: nothing backend-specific.
# On JAX, test_fits_of_one_architecture_share_the_compiled_epoch and
# test_layer_names_are_not_part_of_the_architecture check the key.
@pytest.mark.one_backend
def test_one_twin_per_architecture_and_compile_setting(data, fresh_twins):
    X, y = data
    for params in ({}, {"random_state": 1, "epochs": 2}, {"batch_size": 32}):
        small(**params).fit(X, y)
    assert len(_keras_compiled._twins) == 1
    small(learning_rate=1e-2).fit(X, y)
    small(hidden_layer_sizes=(4,)).fit(X, y)
    small(activation="tanh").fit(X, y)
    assert len(_keras_compiled._twins) == 4

    fresh_twins.setattr(_keras_compiled, "MAX_TWINS", 2)
    small(hidden_layer_sizes=(5,)).fit(X, y)
    assert len(_keras_compiled._twins) == 2  # the least recently used went


def test_fits_of_one_architecture_share_the_compiled_epoch(data, fresh_twins):
    # What a grid search does: other rows (folds), weights, batch sizes.
    X, y = data
    assert small().fit(X, y).training_loop_ == "compiled"
    small(random_state=1).fit(X[:150], y[:150], sample_weight=np.ones(150))
    small(batch_size=16).fit(X, y)
    (twin,) = _keras_compiled._twins.values()
    runner = twin.model._skquantnn_epochs
    if keras.backend.backend() == "tensorflow":
        # traced once: the rows and the batch size are inputs of the trace
        (train,) = runner._functions.values()
        assert train.experimental_get_tracing_count() == 1
    else:
        # compiled once per batch size: 200 and 150 rows pad to the same 256
        assert runner._loop["train"]._cache_size() == 2


def test_layer_names_are_not_part_of_the_architecture(data):
    X, y = data
    a, b = small().fit(X, y).model_, small().fit(X, y).model_
    assert [layer.name for layer in a.layers] != [layer.name for layer in b.layers]
    assert _keras_compiled.architecture_key(a) == _keras_compiled.architecture_key(b)
    assert _keras_compiled.architecture_key(a) != _keras_compiled.architecture_key(
        small(alpha=1e-3).fit(X, y).model_)


def functional(meta, compile_kwargs):
    inputs = keras.Input((meta["n_features_in_"],))
    outputs = keras.layers.Dense(meta["n_outputs_"])(keras.layers.Dense(8)(inputs))
    model = keras.Model(inputs, outputs)
    model.compile(**compile_kwargs)
    return model


def test_models_without_a_twin_train_directly(data, fresh_twins):
    X, y = data
    estimator = small(model=functional).fit(X, y)
    assert _keras_compiled.architecture_key(estimator.model_) is None
    assert not _keras_compiled._twins
    before = estimator.predict(X)
    assert np.isfinite(before).all()
    estimator.partial_fit(X, y)
    assert not np.array_equal(estimator.predict(X), before)


def test_a_failed_fit_leaves_the_twin_usable(data, fresh_twins):
    X, y = data
    expected = small().fit(X, y).predict(X)
    failing = small()
    with pytest.raises(ValueError, match="diverged"):
        failing.fit(X, y * 1e300)  # the twin ends up holding NaN weights
    assert not hasattr(failing, "model_")
    np.testing.assert_array_equal(small().fit(X, y).predict(X), expected)


@pytest.mark.parametrize("shuffle", [False, True])
def test_keras_loop_serves_batches_in_the_order_the_estimator_chose(data, monkeypatch,
                                                                   shuffle):
    # Keras reorders a dataset's batches unless told not to; the estimator
    # shuffles rows itself, and shuffle=False must mean time order. (The compiled
    # loop trains on the same batches: see test_keras_loop.py.)
    X, y = data
    served = []
    getitem = _keras_support.ShuffledBatches.__getitem__

    def logged(self, index):
        served.append((index, self._order[index * self.batch_size]))
        return getitem(self, index)

    monkeypatch.setattr(_keras_support.ShuffledBatches, "__getitem__", logged)
    small(epochs=2, shuffle=shuffle, training_loop="keras").fit(X, y)
    indices = [index for index, _ in served[-14:]]
    assert indices == list(range(7)) * 2
    first_rows = [row for _, row in served[-14:]]
    assert (first_rows == list(range(0, 200, 32)) * 2) is (not shuffle)


@pytest.mark.slow
def test_memory_stays_flat_over_many_fits():
    # In a fresh process: without twins TensorFlow grows about 8 MB per fit.
    script = textwrap.dedent("""
        import resource
        from skquantnn import KerasMLPRegressor
        from skquantnn.datasets import make_economic_regression
        X, y = make_economic_regression(n_samples=300, random_state=0)
        peak = []
        for k in range(40):
            KerasMLPRegressor(epochs=2, random_state=k).fit(X, y).predict(X)
            peak.append(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
        print((peak[-1] - peak[19]) / 20 / 1024)
    """)
    out = subprocess.run([sys.executable, "-c", script], check=True,
                         capture_output=True, text=True).stdout
    growth_mb_per_fit = float(out.split()[-1])
    assert growth_mb_per_fit < 1.0


def test_seeded_fits_ignore_other_threads_drawing_from_random(data):
    # A Dask worker's event loop draws from Python's `random` while tasks run;
    # the network's seeds must not come from there.
    X, y = data
    expected = small(dropout=0.2).fit(X, y).predict(X)
    stop = threading.Event()

    def draw():
        while not stop.is_set():
            random.random()

    thread = threading.Thread(target=draw)
    thread.start()
    try:
        predictions = [small(dropout=0.2).fit(X, y).predict(X) for _ in range(2)]
    finally:
        stop.set()
        thread.join()
    for got in predictions:
        np.testing.assert_array_equal(got, expected)
