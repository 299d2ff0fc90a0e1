"""One epoch of a Keras model's training as one compiled call, per backend.

``epoch_runner(model)`` gives an object with ``tensors(arrays)`` (the rows, put on
the backend once per fit), ``train_epoch(data, order, batch_size)`` (the model's
own ``train_step`` on the batches of ``order``'s rows, in turn) and
``evaluate(data, batch_size)`` (its ``test_step`` on the rows in order), each
returning the model's metrics afterwards, as ``Model.fit`` logs them. The model's
variables hold the new state after each call. ``_keras_loop`` drives them.
"""

import numpy as np

from skquantnn._keras_support import keras

#: On JAX, the fewest rows the compiled loop pads the data to (see _JaxEpochs).
MIN_PADDED_ROWS = 1024


def epoch_runner(model):
    """The compiled epoch functions of ``model`` on the current backend.

    Kept on the model, so that later fits of it (a shared twin, a ``partial_fit``)
    reuse their traces.

    Parameters
    ----------
    model : keras.Model
        Built and compiled, with a Keras optimizer.

    Returns
    -------
    _TensorFlowEpochs or _JaxEpochs
    """
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
