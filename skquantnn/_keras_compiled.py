"""Repeated Keras fits in bounded memory: one compiled model per architecture.

Each new Keras model traces its own train, test and predict functions, and
TensorFlow keeps every traced graph until the process ends, even after the model
is deleted and ``keras.backend.clear_session()`` is called (upstream issue
tensorflow/tensorflow#62854). A grid search that fits hundreds of fresh models
in one worker therefore grows by several MB per fit, without bound.

So the arithmetic runs on a *twin*: a clone of the estimator's model, compiled
once per architecture and kept in a small process-wide cache. The estimator's
own ``model_`` keeps all of its state (weights, optimizer slots and step count,
dropout seed state); a fit loads that state into the twin, trains the twin, and
stores the result back, so ``model_`` ends exactly where training it directly
would have left it. The twin's traced functions are reused by every later fit
of the same architecture: Keras's own, and the compiled training loop's epoch
functions, which ``_keras_epochs`` keeps on the model it trains.

Only plain ``keras.Sequential`` models compiled with ``compile()`` are twinned;
anything else (functional or subclassed models, custom ``train_step``) trains
directly, as Keras would.

Building a model still costs TensorFlow some memory: every variable whose name
is new (Keras numbers its optimizers and layers afresh) adds a kernel to the
eager runtime's cache, which only ``forget_eager_kernels`` empties.
"""

import json
import threading
from collections import OrderedDict
from contextlib import contextmanager

from skquantnn._keras_state import copy_values, state_variables
from skquantnn._keras_support import keras, local_seeds

#: How many architectures keep a compiled twin; the least recently used goes.
#: 0 turns twins off: every model then traces its own functions.
MAX_TWINS = 8
#: Models built between two emptyings of TensorFlow's eager kernel cache.
BUILDS_PER_KERNEL_CLEAR = 16

_builds = 0

_twins = OrderedDict()
_twins_lock = threading.Lock()


class _Twin:
    """A compiled clone of one architecture, and a lock to use it alone."""

    def __init__(self, model):
        compile_args = keras.saving.deserialize_keras_object(model.get_compile_config())
        # A loss is stateless, and its config omits its dtype: share the object.
        compile_args["loss"] = model.loss
        with local_seeds(0):  # cloning draws initializer seeds from `random`
            self.model = keras.models.clone_model(model)
        self.model.compile(**compile_args)
        self.model.optimizer.build(self.model.trainable_variables)
        self.lock = threading.Lock()


def architecture_key(model):
    """A string naming ``model``'s layers and compile settings, or None.

    Two models with the same key trace the same functions. Layer names and
    seeds are left out: Keras numbers layers afresh for every model, and seeds
    differ with ``random_state``. None means the model is not one this module
    can twin.
    """
    if type(model) is not keras.Sequential or not model.built or \
            not model.compiled or model.optimizer is None:
        return None
    try:
        layers = [_without_names_and_seeds(keras.saving.serialize_keras_object(layer))
                  for layer in model.layers]
        compiled = _without_names_and_seeds(model.get_compile_config())
        loss_dtype = str(getattr(model.loss, "dtype", None))
        return json.dumps([layers, compiled, loss_dtype], sort_keys=True)
    except (TypeError, ValueError, NotImplementedError):
        return None


def _without_names_and_seeds(config):
    # Seeds only set where random variables start, and the twin gets those
    # variables' values; they do not change what is traced.
    if isinstance(config, dict):
        return {key: _without_names_and_seeds(value) for key, value in config.items()
                if key not in ("name", "seed")}
    if isinstance(config, list | tuple):
        return [_without_names_and_seeds(value) for value in config]
    return config


def forget_eager_kernels():
    """Count one model build; every ``BUILDS_PER_KERNEL_CLEAR``-th, on TensorFlow,
    empty the eager kernel cache (the kernels are rebuilt when next needed)."""
    global _builds
    _builds += 1
    if MAX_TWINS == 0 or _builds % BUILDS_PER_KERNEL_CLEAR or \
            keras.backend.backend() != "tensorflow":
        return
    from tensorflow.python.eager import context

    clear = getattr(context.context(), "clear_kernel_cache", None)
    if clear is not None:
        clear()


def _twin_for(model):
    if MAX_TWINS == 0:
        return None
    key = architecture_key(model)
    if key is None:
        return None
    with _twins_lock:
        twin = _twins.pop(key, None)
        if twin is None:
            try:
                twin = _Twin(model)
            except Exception:  # noqa: BLE001  not cloneable: train directly
                return None
        _twins[key] = twin
        while len(_twins) > MAX_TWINS:
            _twins.popitem(last=False)
    return twin


def clear_twins():
    """Forget every compiled twin (their traced graphs stay, on TensorFlow)."""
    with _twins_lock:
        _twins.clear()


@contextmanager
def compiled(model, train):
    """Yield a compiled model that computes as ``model`` would, sharing traces.

    Parameters
    ----------
    model : keras.Model
        The estimator's own model, compiled.
    train : bool
        Whether the caller trains: then the optimizer's state goes in too, and
        everything comes back into ``model`` when the block ends without error.
        An error leaves ``model`` untouched.

    Yields
    ------
    keras.Model
        ``model``'s twin holding ``model``'s state, or ``model`` itself when it
        has no twin.
    """
    twin = _twin_for(model)
    if twin is None:
        yield model
        return
    with twin.lock:
        if train and not model.optimizer.built:
            model.optimizer.build(model.trainable_variables)
        own = state_variables(model, optimizer=train)
        shared = state_variables(twin.model, optimizer=train)
        if [v.shape for v in own] != [v.shape for v in shared]:
            yield model
            return
        copy_values(own, shared)
        yield twin.model
        if train:
            copy_values(shared, own)
