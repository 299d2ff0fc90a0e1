"""ONNX export of both estimators, alone or inside a scikit-learn Pipeline.

:func:`register` teaches ``skl2onnx`` to convert :class:`NumpyMLPRegressor` and
:class:`KerasMLPRegressor`, so that the ordinary ``skl2onnx.to_onnx(pipeline,
X_sample)`` works on pipelines that contain them; :func:`to_onnx` registers and
converts in one call. Needs ``pip install skquantnn[onnx]`` (skl2onnx, onnx,
onnxruntime to run the result).

The graph computes what ``predict`` computes, in the input's float type (float32
or float64): for NumpyMLPRegressor, the skip connection ``X @ skip_coef_ +
skip_intercept_`` plus the weighted average of every member network (batched
``MatMul`` over a leading member axis), with the soft clipping of inputs when it
is on; for KerasMLPRegressor, its Dense layers (Dropout is the identity at
prediction) and the target scaling. The output has shape ``(n_samples,
n_outputs)``, also for a 1-D target (as scikit-learn's regressors' converters do).
"""

import sys

import numpy as np

from skquantnn._activations import LEAKY_RELU_SLOPE, canonical_activation

__all__ = ["register", "to_onnx"]

#: ONNX operator per activation name (both estimators' names, Keras's too).
_ACTIVATION_OPS = {
    "relu": "Relu", "tanh": "Tanh", "logistic": "Sigmoid", "sigmoid": "Sigmoid",
    "leaky_relu": "LeakyRelu", "identity": None, "linear": None,
}


def _skl2onnx():
    try:
        import skl2onnx
    except ImportError as error:
        raise ImportError(
            "ONNX export needs skl2onnx and onnx: pip install skquantnn[onnx]"
        ) from error
    return skl2onnx


def register():
    """Register both estimators' converters with skl2onnx (idempotent).

    KerasMLPRegressor's converter is registered only once its module is imported
    (``from skquantnn import KerasMLPRegressor``), so that this never imports
    Keras; :func:`to_onnx` registers afresh on each call.

    Examples
    --------
    >>> from skquantnn.onnx import register
    >>> register()
    """
    skl2onnx = _skl2onnx()
    from skquantnn import NumpyMLPRegressor

    skl2onnx.update_registered_converter(
        NumpyMLPRegressor, "SkquantnnNumpyMLPRegressor", _shape, _convert_numpy)
    if "skquantnn._keras_mlp" in sys.modules:     # never import Keras here
        from skquantnn._keras_mlp import KerasMLPRegressor

        skl2onnx.update_registered_converter(
            KerasMLPRegressor, "SkquantnnKerasMLPRegressor", _shape, _convert_keras)


def to_onnx(model, X_sample, *, target_opset=None, **kwargs):
    """Convert a fitted estimator or pipeline to an ONNX model.

    Parameters
    ----------
    model : estimator or Pipeline
        Fitted; may contain NumpyMLPRegressor or KerasMLPRegressor.
    X_sample : ndarray of shape (n_samples, n_features)
        A few rows of input: their dtype (float32 or float64) and width set the
        graph's input ``"X"``.
    target_opset : int, default=None
        skl2onnx's default when None.
    **kwargs
        Passed on to ``skl2onnx.to_onnx``.

    Returns
    -------
    onnx.ModelProto
        Input ``"X"`` of shape ``(None, n_features)``; output ``"variable"`` of
        shape ``(None, n_outputs)``.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        An unfitted model.
    ValueError
        A KerasMLPRegressor whose model has a layer this export does not convert
        (the message names it).

    Examples
    --------
    >>> import numpy as np
    >>> from skquantnn import NumpyMLPRegressor
    >>> from skquantnn.onnx import to_onnx
    >>> X = np.random.RandomState(0).normal(size=(100, 3)).astype(np.float32)
    >>> model = NumpyMLPRegressor((8,), max_iter=5, random_state=0).fit(X, X[:, 0])
    >>> onx = to_onnx(model, X[:2])
    >>> [i.name for i in onx.graph.input], [o.name for o in onx.graph.output]
    (['X'], ['variable'])
    """
    from sklearn.utils.validation import check_is_fitted

    skl2onnx = _skl2onnx()
    check_is_fitted(model)          # a clear NotFittedError, not one from inside
    register()
    X_sample = np.asarray(X_sample)
    if X_sample.dtype not in (np.float32, np.float64):
        X_sample = X_sample.astype(np.float32)
    return skl2onnx.to_onnx(model, X_sample, target_opset=target_opset, **kwargs)


def _shape(operator):
    """Output: the input's float type, ``(n_samples, n_outputs)``."""
    n_rows = operator.inputs[0].get_first_dimension()
    n_outputs = operator.raw_operator.n_outputs_
    operator.outputs[0].type = operator.inputs[0].type.__class__([n_rows, n_outputs])


def _float_type(operator):
    from onnx import TensorProto
    from skl2onnx.common.data_types import guess_proto_type

    return (np.float64 if guess_proto_type(operator.inputs[0].type) ==
            TensorProto.DOUBLE else np.float32)


def _dense_chain(x, steps, dtype, opv):
    """``x`` through ``steps``: ``("dense", W, b)`` with W of shape
    ([n_networks,] n_in, n_out), or ``("act", name)``."""
    from skl2onnx.algebra import onnx_ops

    for step in steps:
        if step[0] == "dense":
            _, W, b = step
            bias = b.reshape(b.shape[:-1] + (1,) * (W.ndim - 2) + b.shape[-1:])
            product = onnx_ops.OnnxMatMul(x, W.astype(dtype), op_version=opv)
            x = onnx_ops.OnnxAdd(product, bias.astype(dtype), op_version=opv)
        else:
            op = _ACTIVATION_OPS[step[1]]
            if op == "LeakyRelu":
                # max(x, slope x), as the estimators compute it: LeakyRelu's
                # alpha attribute is a float32, inexact for float64 graphs
                slope = np.array([step[2] if len(step) > 2 else LEAKY_RELU_SLOPE],
                                 dtype=dtype)
                x = onnx_ops.OnnxMax(x, onnx_ops.OnnxMul(x, slope, op_version=opv),
                                     op_version=opv)
            elif op is not None:
                x = getattr(onnx_ops, f"Onnx{op}")(x, op_version=opv)
    return x


def _hidden_graph(est, X, dtype, opv):
    """The hidden layers' input stage: soft clip, chosen features, encoding (see
    ``skquantnn._embedding.HiddenInputs``)."""
    from skl2onnx.algebra import onnx_ops

    hidden = X
    if est.soft_clip is not None:
        scaled = onnx_ops.OnnxDiv(X, np.array([est.soft_clip], dtype=dtype),
                                  op_version=opv)
        norm = onnx_ops.OnnxSqrt(onnx_ops.OnnxAdd(
            np.array([1.0], dtype=dtype),
            onnx_ops.OnnxMul(scaled, scaled, op_version=opv), op_version=opv),
            op_version=opv)
        hidden = onnx_ops.OnnxDiv(X, norm, op_version=opv)
    if est.hidden_features_ is not None:
        hidden = onnx_ops.OnnxGather(
            hidden, np.asarray(est.hidden_features_, dtype=np.int64), axis=1,
            op_version=opv)
    edges = est.embedding_edges_
    if edges is None:
        return hidden
    n_bins, k = len(edges) - 1, edges.shape[1]
    lower = edges[:-1].T                                   # (k, n_bins)
    width = np.diff(edges, axis=0).T
    inverse = np.where(width > 0, 1.0 / np.where(width > 0, width, 1.0), 0.0)
    clipped = onnx_ops.OnnxMin(onnx_ops.OnnxMax(
        hidden, edges[0].astype(dtype), op_version=opv), edges[-1].astype(dtype),
        op_version=opv)
    column = onnx_ops.OnnxReshape(hidden, np.array([-1, k, 1], dtype=np.int64),
                                  op_version=opv)
    bins = onnx_ops.OnnxMul(onnx_ops.OnnxSub(column, lower.astype(dtype),
                                             op_version=opv),
                            inverse.astype(dtype), op_version=opv)
    bins = onnx_ops.OnnxMin(onnx_ops.OnnxMax(bins, np.array([0.0], dtype=dtype),
                                             op_version=opv),
                            np.array([1.0], dtype=dtype), op_version=opv)
    encoded = onnx_ops.OnnxConcat(
        onnx_ops.OnnxReshape(clipped, np.array([-1, k, 1], dtype=np.int64),
                             op_version=opv),
        bins, axis=2, op_version=opv)                      # (N, k, n_bins + 1)
    return onnx_ops.OnnxReshape(encoded,
                                np.array([-1, k * (n_bins + 1)], dtype=np.int64),
                                op_version=opv)


def _convert_numpy(scope, operator, container):
    from skl2onnx.algebra import onnx_ops

    est = operator.raw_operator
    dtype, opv = _float_type(operator), container.target_opset
    X = operator.inputs[0]
    weight = est._network_weight()
    out = None
    if np.any(weight != 0) and est.coefs_[0].shape[0] > 0:
        hidden = _hidden_graph(est, X, dtype, opv)
        # one network: plain 2-D weights, no member axis to average over
        single = len(est.members_coefs_[0]) == 1
        steps = []
        n_layers = len(est.members_coefs_)
        for layer, (W, b) in enumerate(zip(est.members_coefs_,
                                           est.members_intercepts_, strict=True)):
            W, b = np.asarray(W), np.asarray(b)
            steps.append(("dense", W[0], b[0]) if single else ("dense", W, b))
            last = layer == n_layers - 1
            steps.append(("act", est.out_activation_ if last else
                          canonical_activation(est.activation)))
        out = _dense_chain(hidden, steps, dtype, opv)      # ([k,] N, n_outputs)
        if not single:
            out = onnx_ops.OnnxReduceMean(out, np.array([0], dtype=np.int64),
                                          keepdims=0, op_version=opv)
        if not np.all(weight == 1):
            out = onnx_ops.OnnxMul(out, weight.astype(dtype), op_version=opv)
    # the linear part; a zero matrix gives the intercept its rows when it is all
    coef = (est.skip_coef_ if est.skip_connection or out is None else None)
    linear = None
    if coef is not None:
        linear = onnx_ops.OnnxAdd(
            onnx_ops.OnnxMatMul(X, coef.astype(dtype), op_version=opv),
            est.skip_intercept_.astype(dtype), op_version=opv)
    elif np.any(est.skip_intercept_ != 0):
        out = onnx_ops.OnnxAdd(out, est.skip_intercept_.astype(dtype), op_version=opv)
    if linear is not None:
        out = linear if out is None else onnx_ops.OnnxAdd(out, linear, op_version=opv)
    onnx_ops.OnnxIdentity(out, op_version=opv,
                          output_names=operator.outputs[:1]).add_to(scope, container)


def keras_steps(keras_model):
    """The Dense-layer chain of a Keras model, or a ValueError naming what is not
    convertible.

    Returns
    -------
    list of tuple
        ``("dense", W, b)`` and ``("act", name[, slope])`` steps.
    """
    import keras

    if not isinstance(keras_model, keras.Sequential):
        raise ValueError(
            f"skquantnn.onnx converts Sequential models of Dense layers; this "
            f"KerasMLPRegressor's model is a {type(keras_model).__name__}. Export "
            "it with Keras's own model.export(path, format='onnx') instead.")
    steps = []
    for layer in keras_model.layers:
        if isinstance(layer, keras.layers.Dropout):
            continue           # the identity at prediction
        if isinstance(layer, keras.layers.LeakyReLU):
            steps.append(("act", "leaky_relu", float(layer.negative_slope)))
            continue
        if isinstance(layer, keras.layers.Activation):
            name = keras.activations.serialize(layer.activation)
        elif isinstance(layer, keras.layers.Dense):
            W, *b = (np.asarray(w) for w in layer.get_weights())
            steps.append(("dense", W, b[0] if b else np.zeros(W.shape[1], W.dtype)))
            name = keras.activations.serialize(layer.activation)
        else:
            raise ValueError(
                f"skquantnn.onnx cannot convert the Keras layer {layer.name!r} of "
                f"type {type(layer).__name__}: it converts Dense, Dropout, "
                "LeakyReLU and Activation layers. Export the model with Keras's own "
                "model.export(path, format='onnx') instead.")
        name = name if isinstance(name, str) else name.get("config", {}).get(
            "name", str(name))
        if name not in _ACTIVATION_OPS:
            raise ValueError(
                f"skquantnn.onnx cannot convert the activation {name!r} of Keras "
                f"layer {layer.name!r}; it converts {', '.join(_ACTIVATION_OPS)}.")
        steps.append(("act", name))
    return steps


def _convert_keras(scope, operator, container):
    from skl2onnx.algebra import onnx_ops

    est = operator.raw_operator
    dtype, opv = _float_type(operator), container.target_opset
    out = _dense_chain(operator.inputs[0], keras_steps(est.model_), dtype, opv)
    mean = np.asarray(getattr(est, "target_mean_", 0.0), dtype=dtype)
    scale = np.asarray(getattr(est, "target_scale_", 1.0), dtype=dtype)
    if not np.all(scale == 1):
        out = onnx_ops.OnnxMul(out, scale.reshape(-1), op_version=opv)
    if np.any(mean != 0):
        out = onnx_ops.OnnxAdd(out, mean.reshape(-1), op_version=opv)
    onnx_ops.OnnxIdentity(out, op_version=opv,
                          output_names=operator.outputs[:1]).add_to(scope, container)
