"""A fitted KerasMLPRegressor's state: kept safe through a failed fit, and
turned into plain data for pickle, joblib and skops."""

import copy
import tempfile
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from skquantnn._keras_support import keras


def state_variables(model, optimizer):
    """The variables that make up ``model``'s state, in a fixed order: every
    layer's (weights and dropout seed state), then the optimizer's if asked."""
    variables = [v for layer in model.layers for v in layer.variables]
    if optimizer:
        variables += list(model.optimizer.variables)
    return variables


def copy_values(source, target):
    """Assign each ``source`` variable's value to the ``target`` one in its place.

    Through NumPy, so that no two variables share a buffer: JAX's train step
    donates (frees) its input buffers.
    """
    for s, t in zip(source, target, strict=True):
        t.assign(keras.ops.convert_to_numpy(s))


@contextmanager
def kept_on_error(estimator):
    """Put back ``estimator``'s attributes, model state (weights, dropout seed
    state, optimizer state) and history if the block raises.

    A refit builds a new model and a warm start trains the current one in place;
    either way a failed call must leave the last good fit usable.
    """
    saved = dict(vars(estimator))
    history = copy.deepcopy(getattr(estimator, "history_", None))
    model = getattr(estimator, "model_", None)
    # A first fit may build optimizer variables after this: those stay as built.
    variables = [] if model is None else state_variables(model, optimizer=True)
    values = [np.array(keras.ops.convert_to_numpy(v)) for v in variables]  # copies
    try:
        yield
    except BaseException:
        vars(estimator).clear()
        vars(estimator).update(saved)
        if history is not None:
            estimator.history_ = history
        for variable, value in zip(variables, values, strict=True):
            variable.assign(value)
        raise


def to_plain_state(state):
    """``state`` (an estimator's ``__dict__``) with the Keras model as ``.keras``
    file bytes, the history as a dict of lists and the dtype as its name.

    Plain data only, so that pickle, joblib and the safe ``skops.io`` format all
    store the same thing, and loading it back runs Keras's own loader in safe
    mode rather than arbitrary code.
    """
    state = dict(state)
    if "model_" in state:
        state["model_"] = model_to_bytes(state["model_"])
    if "history_" in state:
        state["history_"] = {k: list(v) for k, v in state["history_"].items()}
    if "X_dtype_" in state:
        state["X_dtype_"] = state["X_dtype_"].name
    return state


def from_plain_state(state):
    """The inverse of :func:`to_plain_state`."""
    state = dict(state)
    if isinstance(state.get("model_"), np.ndarray):
        state["model_"] = model_from_bytes(state["model_"])
    if "history_" in state:
        state["history_"] = defaultdict(list, state["history_"])
    if "X_dtype_" in state:
        state["X_dtype_"] = np.dtype(state["X_dtype_"])
    return state


def model_to_bytes(model):
    """A Keras model (architecture, weights, optimizer state) as ``.keras`` bytes.

    Returns
    -------
    ndarray of dtype uint8
    """
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        model.save(path)
        return np.frombuffer(path.read_bytes(), dtype=np.uint8).copy()


def model_from_bytes(data):
    """The Keras model saved by :func:`model_to_bytes`, loaded in safe mode."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        path.write_bytes(np.asarray(data, dtype=np.uint8).tobytes())
        return keras.saving.load_model(path, safe_mode=True)
