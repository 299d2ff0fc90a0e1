"""Keras-side helpers of KerasMLPRegressor: seeding, batches, names.

Nothing here touches a backend directly: only Keras 3's public API, Python's
``random`` and NumPy, so the same code runs on TensorFlow and JAX.
"""

import random
from contextlib import contextmanager

import skquantnn._keras_env  # noqa: F401  (quiets TensorFlow; before Keras)

# isort: split
import keras
import numpy as np
from scikeras.wrappers import BaseWrapper

from skquantnn._activations import LEAKY_RELU_SLOPE
from skquantnn._combine import weighted_mean_scale
from skquantnn._validation import chronological_split


def _base_wrapper_sklearn_tags(self):
    return super(BaseWrapper, self).__sklearn_tags__()


# scikeras 0.13 (its last release) predates scikit-learn 1.6's tags API: its base
# class defines only the legacy `_more_tags`, which scikit-learn no longer reads
# and whose presence alone fails `check_estimator_tags_renamed` for every
# subclass. Give the class the modern hook, deferring to BaseEstimator's tags.
if "__sklearn_tags__" not in vars(BaseWrapper):
    BaseWrapper.__sklearn_tags__ = _base_wrapper_sklearn_tags

#: Keras's activation names for every name either estimator accepts.
KERAS_ACTIVATIONS = {
    "identity": "linear", "linear": "linear",
    "logistic": "sigmoid", "sigmoid": "sigmoid",
    "tanh": "tanh", "relu": "relu", "leaky_relu": "leaky_relu",
}

#: Loss names accepted by KerasMLPRegressor.
KERAS_LOSSES = {"mse", "mae", "huber"}


def make_loss(name, huber_delta, dtype):
    """The Keras loss object for one of ``KERAS_LOSSES``, computed in ``dtype``."""
    if name == "huber":
        return keras.losses.Huber(delta=huber_delta, dtype=dtype)
    if name == "mae":
        return keras.losses.MeanAbsoluteError(dtype=dtype)
    return keras.losses.MeanSquaredError(dtype=dtype)


def layer_seeds(seed):
    """Endless int seeds for a model's random layers, drawn from ``seed``.

    ``seed=None`` gives None forever: Keras then draws each layer's seed from
    Python's ``random``. Explicit seeds keep a build reproducible even while
    another thread (a Dask worker's event loop, say) draws from ``random``.
    """
    rng = None if seed is None else np.random.default_rng(seed)
    while True:
        yield None if rng is None else int(rng.integers(np.iinfo(np.int32).max))


def dense_block(units, activation, regularizer, dtype=None, seed=None):
    """``Dense(units, activation)`` as a list of layers, Glorot-initialised from
    ``seed``.

    ``leaky_relu`` gets its own layer so that its slope is NumpyMLPRegressor's
    (Keras's string ``"leaky_relu"`` uses 0.2) and the model still saves.
    """
    keras_name = KERAS_ACTIVATIONS[activation]
    dense = keras.layers.Dense(
        units, activation=None if keras_name == "leaky_relu" else keras_name,
        kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
        kernel_regularizer=regularizer, dtype=dtype)
    if keras_name == "leaky_relu":
        return [dense, keras.layers.LeakyReLU(negative_slope=LEAKY_RELU_SLOPE,
                                              dtype=dtype)]
    return [dense]


def float64_available():
    """Whether the Keras backend computes in float64 when asked to.

    JAX does only in its x64 mode (``JAX_ENABLE_X64=1``); otherwise it warns and
    falls back to float32 at every float64 request.
    """
    if keras.backend.backend() != "jax":
        return True
    import jax

    return bool(jax.config.jax_enable_x64)


@keras.saving.register_keras_serializable(package="skquantnn")
class WeightPenalty(keras.regularizers.L1L2):
    """L1 + L2 weight penalty, returned in Keras's float type.

    Keras adds the penalties to a loss it always computes in ``floatx``
    (float32); a float64 network's penalty is cast to match.
    """

    def __call__(self, x):
        return keras.ops.cast(super().__call__(x), keras.config.floatx())


@contextmanager
def local_seeds(seed):
    """Seed Python's and NumPy's global generators, and put them back afterwards.

    Keras draws the default seeds of initializers and dropout layers from Python's
    ``random``; seeding it for the duration of a build makes any architecture
    reproducible, and restoring it leaves the rest of the process as it was.
    ``seed=None`` changes nothing.
    """
    if seed is None:
        yield
        return
    python_state, numpy_state = random.getstate(), np.random.get_state()
    random.seed(seed)
    np.random.seed(seed)
    try:
        yield
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)


class ShuffledBatches(keras.utils.PyDataset):
    """Mini-batches of ``(X, y[, sample_weight])``, reshuffled every epoch.

    Shuffling with our own seeded generator, instead of Keras's (which uses
    TensorFlow's global seed on one backend and NumPy's on another), gives the
    same batches on every backend without touching any global state.

    Parameters
    ----------
    arrays : tuple of ndarray
        ``(X, y)`` or ``(X, y, sample_weight)``, with rows in the same order.
    batch_size : int
    shuffle : bool
    seed : int or None
    """

    def __init__(self, arrays, batch_size, shuffle, seed):
        super().__init__()
        self.arrays = arrays
        self.batch_size = batch_size
        self.shuffle = shuffle
        self._rng = np.random.default_rng(seed)
        self._order = self._new_order()

    @property
    def order(self):
        """ndarray of shape (n_rows,): the rows of this epoch's batches, in turn."""
        return self._order

    def _new_order(self):
        n = len(self.arrays[0])
        return self._rng.permutation(n) if self.shuffle else np.arange(n)

    def __len__(self):
        return -(-len(self.arrays[0]) // self.batch_size)

    def __getitem__(self, index):
        rows = self._order[index * self.batch_size:(index + 1) * self.batch_size]
        return tuple(a[rows] for a in self.arrays)

    def on_epoch_end(self):
        self._order = self._new_order()


def training_batches(X, Y, sample_weight, validation_split, validation_gap,
                     batch_size, shuffle, seed, dates=None):
    """Shuffled training batches and the chronological validation tail.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
    sample_weight : ndarray of shape (n_samples,) or None
    validation_split : float
        Share of the rows, from the end, held out (0 for none).
    validation_gap : int
        Rows dropped before the validation tail.
    batch_size : int
    shuffle : bool
    seed : int or None
    dates : ndarray of shape (n_samples,), default=None
        A panel's non-decreasing date codes: the validation rows are whole dates.

    Returns
    -------
    batches : ShuffledBatches
    validation : tuple of ndarray or None
        ``(X, Y[, sample_weight])`` of the validation tail.
    """
    def part(rows):
        arrays = (X[rows], Y[rows])
        if sample_weight is None:
            return arrays
        return arrays + (mean_one(sample_weight[rows]),)

    if not validation_split:
        return ShuffledBatches(part(slice(None)), batch_size, shuffle, seed), None
    head, tail = chronological_split(len(X), validation_split, validation_gap,
                                     dates, as_keras=True)
    return ShuffledBatches(part(head), batch_size, shuffle, seed), part(tail)


def mean_one(sample_weight):
    """Weights rescaled to mean 1 (all zeros kept as they are).

    Keras divides a batch's weighted loss by its number of rows, not by its
    weights' sum: with weights of mean 1 over the training rows an epoch's loss
    is their weighted mean, and over the validation rows ``val_loss`` is theirs
    exactly (Keras's ``evaluate`` sums over batches and divides by the rows).
    """
    total = sample_weight.sum()
    return sample_weight * (len(sample_weight) / total) if total > 0 else sample_weight


def target_scaling(Y, sample_weight, validation_split, validation_gap, dates=None):
    """Each column of ``Y``'s (weighted) mean and standard deviation over the
    training rows (not the validation tail nor the gap before it).

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_outputs)
    sample_weight : ndarray of shape (n_samples,) or None
    validation_split : float
    validation_gap : int
    dates : ndarray of shape (n_samples,) or None
        A panel's dates, in order: the validation tail is whole dates.

    Returns
    -------
    mean, scale : ndarray of shape (n_outputs,)
        In float64; a constant column has scale 1.
    """
    rows = slice(None)
    if validation_split:
        rows, _ = chronological_split(len(Y), validation_split, validation_gap,
                                      dates, as_keras=True)
    weights = None if sample_weight is None else sample_weight[rows]
    return weighted_mean_scale(Y[rows].astype(np.float64), weights)
