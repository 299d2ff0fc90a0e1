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
seeds and metrics as ``Model.fit`` on the same batches (``_keras_epochs`` holds
the compiled functions of each backend).

Between epochs the loop does what ``Model.fit`` does: validation (the model's
``test_step`` over the validation rows, one more compiled call), the callbacks'
epoch hooks with Keras's logs, ``stop_training``. Batch-level hooks are called
once per epoch, as ``Model.fit`` calls them when ``steps_per_execution`` is the
number of batches in an epoch: ``on_train_batch_begin(0)``, then
``on_train_batch_end(n_batches - 1, logs)`` with the epoch's metrics.

Keras's own loop trains when asked for (``training_loop="keras"``) and wherever
the compiled one does not apply (see :func:`compiled_loop_applies`).
"""

import numpy as np

from skquantnn._keras_epochs import epoch_runner
from skquantnn._keras_support import keras
from skquantnn._validation import warn_user

#: ``Model.fit`` arguments the compiled loop implements itself.
COMPILED_FIT_ARGS = frozenset({"validation_freq"})

#: The values of KerasMLPRegressor's ``training_loop``.
TRAINING_LOOPS = frozenset({"auto", "keras"})


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
    # first, so that it records every finished epoch, also when Ctrl-C stops
    history = keras.callbacks.History()
    callbacks = [history, *callbacks, keras.callbacks.TerminateOnNaN()]
    stopper = None
    if stopping is not None:
        stopper = keras.callbacks.EarlyStopping(
            monitor="val_loss", patience=stopping[0], min_delta=stopping[1],
            restore_best_weights=True)
        callbacks.append(stopper)
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
        # as scikit-learn's MLP: keep what the epochs so far learned
        if stopper is not None:
            stopper.on_train_end()      # restores the best weights
        warn_user("Training interrupted by user.")
    return history.history, "compiled" if compiled else "keras"


def _fit_compiled(model, batches, validation, *, epochs, initial_epoch, callbacks,
                  verbose, validation_batch_size, validation_freq=1):
    """``Model.fit``'s epoch loop, each epoch's batches in one compiled call."""
    if not isinstance(validation_freq, int | list):
        raise ValueError("fit__validation_freq must be an int or a list of epochs, "
                         f"got {validation_freq!r}.")
    runner = epoch_runner(model)
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
