"""KerasMLPRegressor's training loop: one compiled call per epoch, or Keras's own.

Keras 3's ``Model.fit`` spends most of a small network's time outside the
arithmetic: for every batch it pulls the rows through an input pipeline,
dispatches a compiled step and calls the callbacks, which costs about 1.7 ms a
batch on TensorFlow for a step whose arithmetic takes microseconds. Here an
epoch is one compiled call instead. The training rows go to the backend once, as
tensors; the epoch's row order (drawn by the estimator's own seeded generator,
as the batches ``Model.fit`` would get) goes in as one integer vector; and a loop
inside the compiled function (``tf.while_loop`` on TensorFlow,
``jax.lax.fori_loop`` on JAX) runs the model's own ``train_step`` on one batch
after another: the same forward pass, loss, gradients, optimizer update, dropout
seeds and metrics as ``Model.fit`` on the same batches.

Between epochs the loop does what ``Model.fit`` does: validation (the model's
``test_step`` over the validation rows, one more compiled call), the callbacks'
epoch hooks with Keras's logs, ``stop_training``. Batch-level hooks are called
once per epoch, as ``Model.fit`` calls them when ``steps_per_execution`` is the
number of batches in an epoch: ``on_train_batch_begin(0)``, then
``on_train_batch_end(n_batches - 1, logs)`` with the epoch's metrics.

Keras's own loop trains when asked for (``training_loop="keras"``) and wherever
the compiled one does not apply (see :func:`compiled_loop_applies`).
"""

import warnings

import numpy as np

from skquantnn._keras_support import keras

#: ``Model.fit`` arguments the compiled loop implements itself.
COMPILED_FIT_ARGS = frozenset({"validation_freq"})

#: The values of KerasMLPRegressor's ``training_loop``.
TRAINING_LOOPS = frozenset({"auto", "keras"})

#: On JAX, the fewest rows the compiled loop pads the data to (see _JaxEpochs).
MIN_PADDED_ROWS = 1024


def compiled_loop_applies(model, fit_args):
    """Whether :func:`train` can run ``model`` with the compiled loop.

    It can on TensorFlow and JAX for a built, compiled model with a Keras
    optimizer whose class keeps Keras's ``train_step`` and ``test_step``, trained
    without a distribution strategy, not eagerly (nor, on JAX, with
    ``jit_compile=False``, which asks for eager steps there), and with no
    ``Model.fit`` argument other than ``validation_freq``.

    Parameters
    ----------
    model : keras.Model
    fit_args : dict
        The extra arguments ``Model.fit`` would get.

    Returns
    -------
    bool
    """
    backend = keras.backend.backend()
    if backend not in ("tensorflow", "jax") or set(fit_args) - COMPILED_FIT_ARGS:
        return False
    if not (model.built and model.compiled) or model.run_eagerly or \
            not isinstance(model.optimizer, keras.optimizers.Optimizer):
        return False
    if any(getattr(type(model), name) is not getattr(keras.Model, name)
           for name in ("train_step", "test_step")):
        return False
    if backend == "jax":
        return bool(model.jit_compile) and keras.distribution.distribution() is None
    import tensorflow as tf

    return getattr(model, "_distribute_strategy", None) is None and \
        not tf.distribute.has_strategy()


def fit_arguments(params):
    """The ``Model.fit`` arguments among an estimator's ``params`` (routed with
    ``fit__``), minus those the estimator sets itself."""
    own = {"batch_size", "epochs", "verbose", "validation_split", "shuffle",
           "callbacks", "sample_weight", "initial_epoch"}
    return {key[len("fit__"):]: value for key, value in params.items()
            if key.startswith("fit__") and key[len("fit__"):] not in own}


def train(model, batches, validation, *, epochs, initial_epoch, callbacks, stopping,
          verbose, validation_batch_size, fit_args, training_loop):
    """Train ``model`` for ``epochs`` epochs on ``batches``; Ctrl-C stops early.

    Parameters
    ----------
    model : keras.Model
        A compiled model; its state is updated in place.
    batches : ShuffledBatches
        The training rows and the estimator's order of them for each epoch.
    validation : tuple of ndarray or None
        ``(X, Y[, sample_weight])`` of the validation rows.
    epochs, initial_epoch : int
        Train epochs ``initial_epoch`` to ``initial_epoch + epochs - 1``.
    callbacks : list of keras.callbacks.Callback
        The user's; training also stops at a non-finite loss.
    stopping : tuple of (int, float) or None
        ``(patience, min_delta)`` of early stopping on ``val_loss``, which
        restores the best weights; None for no early stopping.
    verbose : int
        Keras's progress bar: 0 none, 1 a bar, 2 a line per epoch.
    validation_batch_size : int
    fit_args : dict
        Further ``Model.fit`` arguments.
    training_loop : {"auto", "keras"}
        ``"auto"`` uses the compiled loop where it applies, ``"keras"``
        ``Model.fit``.

    Returns
    -------
    history : dict of str to list of float
        Per-epoch logs, as ``Model.fit``'s ``History``.
    loop : {"compiled", "keras"}
        The loop that trained.

    Warns
    -----
    UserWarning
        "Training interrupted by user." when a ``KeyboardInterrupt`` stopped the
        training: the model keeps the weights trained so far, and the history
        the epochs it completed.
    """
    compiled = training_loop == "auto" and compiled_loop_applies(model, fit_args)
    history = keras.callbacks.History()
    callbacks = [*callbacks, keras.callbacks.TerminateOnNaN(), history]
    if stopping is not None:
        callbacks.insert(-1, keras.callbacks.EarlyStopping(
            monitor="val_loss", patience=stopping[0], min_delta=stopping[1],
            restore_best_weights=True))
    try:
        if compiled:
            _fit_compiled(model, batches, validation, epochs=epochs,
                          initial_epoch=initial_epoch, callbacks=callbacks,
                          verbose=verbose, validation_batch_size=validation_batch_size,
                          **fit_args)
        else:
            model.fit(batches, validation_data=validation,
                      validation_batch_size=validation_batch_size,
                      epochs=initial_epoch + epochs, initial_epoch=initial_epoch,
                      # the batches shuffle their rows; Keras must not reorder them
                      shuffle=False, verbose=verbose, callbacks=callbacks,
                      **fit_args)
    except KeyboardInterrupt:
        warnings.warn("Training interrupted by user.", UserWarning, stacklevel=2)
    return history.history, "compiled" if compiled else "keras"


def _fit_compiled(model, batches, validation, *, epochs, initial_epoch, callbacks,
                  verbose, validation_batch_size, validation_freq=1):
    """``Model.fit``'s epoch loop, each epoch's batches in one compiled call."""
    if not isinstance(validation_freq, int | list):
        raise ValueError("fit__validation_freq must be an int or a list of epochs, "
                         f"got {validation_freq!r}.")
    runner = _epoch_runner(model)
    train_data = runner.tensors(_with_weights(batches.arrays))
    val_data = None if validation is None else runner.tensors(
        _with_weights(validation))
    n_batches = len(batches)
    callbacks = keras.callbacks.CallbackList(
        callbacks, add_progbar=verbose != 0, verbose=verbose,
        epochs=initial_epoch + epochs, steps=n_batches, model=model)
    model.stop_training = False
    # Model.fit's epoch iterator starts with a reshuffle; so does this loop, so
    # that both train on the same batches.
    batches.on_epoch_end()
    callbacks.on_train_begin()
    logs = None
    for epoch in range(initial_epoch, initial_epoch + epochs):
        callbacks.on_epoch_begin(epoch)
        callbacks.on_train_batch_begin(0)
        logs = runner.train_epoch(train_data, batches.order, batches.batch_size)
        batches.on_epoch_end()
        callbacks.on_train_batch_end(n_batches - 1, logs)
        if val_data is not None and _validates(epoch, validation_freq):
            callbacks.on_test_begin()
            callbacks.on_test_batch_begin(0)
            val_logs = runner.evaluate(val_data, validation_batch_size)
            n_val_batches = -(-len(validation[0]) // validation_batch_size)
            callbacks.on_test_batch_end(n_val_batches - 1, val_logs)
            callbacks.on_test_end(val_logs)
            logs = {**logs, **{f"val_{name}": v for name, v in val_logs.items()}}
        callbacks.on_epoch_end(epoch, logs)
        if model.stop_training:
            break
    if epochs > 0:
        model.optimizer.finalize_variable_values(model.trainable_weights)
    callbacks.on_train_end(logs)


def _validates(epoch, validation_freq):
    """``Model.fit``'s rule: validate after every ``validation_freq``-th epoch,
    or after the (1-based) epochs listed."""
    if isinstance(validation_freq, int):
        return (epoch + 1) % validation_freq == 0
    return epoch + 1 in validation_freq


def _with_weights(arrays):
    """``(X, Y, sample_weight)``, with unit weights when there are none."""
    if len(arrays) == 3:
        return arrays
    X, Y = arrays
    return X, Y, np.ones(len(Y), dtype=Y.dtype)


def _epoch_runner(model):
    """The compiled epoch functions of ``model``, kept on it, so that later fits of
    the same model (a shared twin, a ``partial_fit``) reuse their traces."""
    runner = vars(model).get("_skquantnn_epochs")
    if runner is None:
        runner = (_JaxEpochs if keras.backend.backend() == "jax"
                  else _TensorFlowEpochs)(model)
        model._skquantnn_epochs = runner
    return runner


def _build_state(model, data):
    """Create the metrics' and optimizer's variables before anything is traced:
    a variable created while tracing would be left out of the traced reset."""
    model._symbolic_build(data_batch=tuple(t[:1] for t in data))


class _TensorFlowEpochs:
    """An epoch of ``train_step`` calls, or a pass of ``test_step`` calls, as one
    ``tf.function`` each, traced once per model and input dtypes (the number of
    rows and the batch size are inputs, not constants of the trace)."""

    def __init__(self, model):
        import tensorflow as tf

        self.tf = tf
        self.model = model
        self._functions = {}

    def tensors(self, arrays):
        return tuple(self.tf.convert_to_tensor(a) for a in arrays)

    def train_epoch(self, data, order, batch_size):
        """The metrics, as tensors, after one epoch of batches of ``order``'s rows."""
        tf = self.tf
        return self._function("train", data)(
            *data, tf.constant(order, tf.int32), tf.constant(batch_size, tf.int32))

    def evaluate(self, data, batch_size):
        """The metrics, as tensors, over ``data``'s rows in order."""
        return self._function("test", data)(
            *data, self.tf.constant(batch_size, self.tf.int32))

    def _function(self, kind, data):
        key = (kind, *(t.dtype for t in data))
        if key not in self._functions:
            tf = self.tf
            _build_state(self.model, data)
            step = self.model.train_step if kind == "train" else self.model.test_step
            if self.model.jit_compile:
                step = tf.function(step, jit_compile=True, autograph=False)
            signature = [tf.TensorSpec((None, *t.shape[1:]), t.dtype) for t in data]
            if kind == "train":
                signature.append(tf.TensorSpec((None,), tf.int32))
            signature.append(tf.TensorSpec((), tf.int32))
            self._functions[key] = tf.function(
                self._loop(step), input_signature=signature, autograph=False)
        return self._functions[key]

    def _loop(self, step):
        """``step`` over batches of ``order``'s rows, or of the rows in turn."""
        tf, model = self.tf, self.model

        def loop(x, y, sample_weight, *order_and_batch_size):
            *order, batch_size = order_and_batch_size
            n_rows = tf.shape(order[0] if order else x)[0]
            model.reset_metrics()

            def one_batch(i):
                rows = slice(i * batch_size, (i + 1) * batch_size)
                if order:
                    step(tuple(tf.gather(t, order[0][rows])
                               for t in (x, y, sample_weight)))
                else:
                    step((x[rows], y[rows], sample_weight[rows]))
                return (i + 1,)

            n_batches = (n_rows + batch_size - 1) // batch_size
            tf.while_loop(lambda i: i < n_batches, one_batch, (tf.constant(0),))
            return model.get_metrics_result()

        return loop


class _JaxEpochs:
    """An epoch of ``train_step`` calls, or a pass of ``test_step`` calls, on the
    model's state as values; the variables get the new values after each pass.

    JAX compiles a function once per shape of its inputs. So that rows of many
    sizes (the folds of a cross-validation) share compilations, the batches of
    ``batch_size`` rows run in one jitted loop over rows padded to the next power
    of two (at least ``MIN_PADDED_ROWS``), with the number of batches an input; a
    last, shorter batch runs in a jitted single step, compiled once per its size,
    as Keras compiles its step. Small data sets then compile what Keras's loop
    compiles: one step for whole batches (here the loop), one per last batch.
    """

    def __init__(self, model):
        import jax

        self.jax = jax
        self.model = model
        self._built = False
        self._loop = {kind: jax.jit(self._loop_function(kind),
                                    static_argnames="batch_size")
                      for kind in ("train", "test")}
        self._step = {kind: jax.jit(self._step_function(kind),
                                    static_argnames="reset")
                      for kind in ("train", "test")}

    def tensors(self, arrays):
        """The rows as NumPy arrays, and on the device padded to a power of two."""
        n = len(arrays[0])
        capacity = max(MIN_PADDED_ROWS, 1 << (n - 1).bit_length())
        padded = tuple(self.jax.numpy.asarray(np.concatenate(
            [a, np.zeros((capacity - n, *a.shape[1:]), a.dtype)])) for a in arrays)
        return arrays, padded

    def train_epoch(self, data, order, batch_size):
        """The metrics after one epoch of batches of ``order``'s rows."""
        return self._run("train", data, order, batch_size)

    def evaluate(self, data, batch_size):
        """The metrics over ``data``'s rows in order."""
        return self._run("test", data, np.arange(len(data[0][0])), batch_size)

    def _run(self, kind, data, order, batch_size):
        model = self.model
        if not self._built:
            _build_state(model, data[0])
            self._built = True
        variables = (model.trainable_variables, model.non_trainable_variables,
                     *([model.optimizer.variables] if kind == "train" else []),
                     model.metrics_variables)
        state = tuple([v.value for v in group] for group in variables)
        arrays, padded = data
        n_full = len(order) // batch_size
        if n_full:
            rows = np.zeros(len(padded[0]), np.int32)
            rows[:len(order)] = order
            logs, state = self._loop[kind](state, padded, rows, n_full,
                                           batch_size=batch_size)
        rest = order[n_full * batch_size:]
        if len(rest):
            logs, state = self._step[kind](state, tuple(a[rest] for a in arrays),
                                           reset=not n_full)
        _assign(variables, state)
        return logs

    def _step_function(self, kind):
        step = self.model.train_step if kind == "train" else self.model.test_step

        def one_step(state, batch, reset):
            if reset:
                state = self._reset_metrics(state)
            _, state = step(state, batch)
            return self._metrics(state[-1]), state

        return one_step

    def _loop_function(self, kind):
        jnp, lax = self.jax.numpy, self.jax.lax
        step = self.model.train_step if kind == "train" else self.model.test_step

        def loop(state, data, rows, n_batches, batch_size):
            def one_batch(i, state):
                batch = lax.dynamic_slice_in_dim(rows, i * batch_size, batch_size)
                _, state = step(state, tuple(jnp.take(t, batch, axis=0)
                                             for t in data))
                return state

            state = lax.fori_loop(0, n_batches, one_batch,
                                  self._reset_metrics(state))
            return self._metrics(state[-1]), state

        return loop

    def _reset_metrics(self, state):
        """``state`` with its last part, the metrics' values, reset by Keras."""
        variables = self.model.metrics_variables
        with keras.StatelessScope(state_mapping=list(zip(variables, state[-1],
                                                         strict=True))) as scope:
            self.model.reset_metrics()
        reset = [scope.get_current_value(v) for v in variables]
        return (*state[:-1], [value if new is None else new
                              for value, new in zip(state[-1], reset, strict=True)])

    def _metrics(self, values):
        mapping = list(zip(self.model.metrics_variables, values, strict=True))
        with keras.StatelessScope(state_mapping=mapping):
            return self.model.get_metrics_result()


def _assign(variables, state):
    for group, values in zip(variables, state, strict=True):
        for variable, value in zip(group, values, strict=True):
            variable.assign(value)
