"""Local factor betas: what the network's prediction is exposed to, row by row.

A linear model has one beta per factor. A network has a different exposure at
every point: the gradient of its prediction with respect to each input,
``beta_ij = d y_pred_i / d x_ij``. :func:`local_betas` returns it in the units of
the original features, through any linear preprocessing (a StandardScaler in a
Pipeline, for instance), so the numbers read like regression coefficients.
"""

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from skquantnn.plotting import final_estimator


def local_betas(estimator, X, output=0):
    """Per-row gradient of the prediction with respect to each original feature.

    Parameters
    ----------
    estimator : estimator or Pipeline
        A fitted NumpyMLPRegressor (analytic backpropagation to the inputs),
        KerasMLPRegressor (the backend's automatic differentiation) or linear
        model with ``coef_``, alone or as the last step of a Pipeline whose other
        steps are linear (affine) transformers such as StandardScaler.
    X : DataFrame or array-like of shape (n_samples, n_features)
        The rows at which to differentiate, in the original feature units.
    output : int, default=0
        Which target, for multi-output models.

    Returns
    -------
    betas : DataFrame of shape (n_samples, n_features)
        ``betas.iloc[i, j]`` is ``d y_pred[i] / d X[i, j]``; columns are the
        feature names when known, the index is ``X``'s when it is a DataFrame.

    Raises
    ------
    ValueError
        If a preprocessing step is not linear.
    TypeError
        If the final estimator is not one of the supported kinds.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skquantnn.inspection import local_betas
    >>> X = np.random.RandomState(0).normal(size=(50, 2))
    >>> model = make_pipeline(StandardScaler(), LinearRegression()).fit(
    ...     X, X @ [2.0, -1.0])
    >>> local_betas(model, X[:2]).round(6).to_numpy().tolist()
    [[2.0, -1.0], [2.0, -1.0]]
    """
    check_is_fitted(estimator)
    model = final_estimator(estimator)
    X_model, jacobian = X, None
    if isinstance(estimator, Pipeline) and len(estimator.steps) > 1:
        preprocessing = estimator[:-1]
        jacobian = _affine_jacobian(preprocessing, X)
        X_model = preprocessing.transform(X)
    X_model = np.asarray(X_model, dtype=float)
    betas = _model_input_gradient(model, X_model, output)
    if jacobian is not None:
        betas = betas @ jacobian
    return pd.DataFrame(betas, index=getattr(X, "index", None),
                        columns=_feature_names(estimator, X, betas.shape[1]))


def _model_input_gradient(model, X, output):
    """``d model(X)[:, output] / dX`` for each row, shape (n_samples, n_features)."""
    if hasattr(model, "coefs_") and hasattr(model, "intercepts_"):
        return _numpy_mlp_input_gradient(model, X, output)
    if hasattr(model, "model_") and hasattr(model, "history_"):
        return _keras_input_gradient(model.model_, X, output)
    if hasattr(model, "coef_"):
        coef = np.atleast_2d(model.coef_)[output]
        return np.tile(coef, (len(X), 1))
    raise TypeError(
        f"local_betas does not know how to differentiate {type(model).__name__}; "
        "it supports NumpyMLPRegressor, KerasMLPRegressor and linear models.")


def _numpy_mlp_input_gradient(model, X, output):
    """Analytic backprop through every member and the hidden layers' input stage
    (soft clipping, chosen features, their encoding), plus the skip connection:
    ``skip_coef + w * mean_k dnet_k/dx`` with ``w`` the weight of the hidden
    layers' forecast."""
    from skquantnn._activations import canonical_activation
    from skquantnn._network import FlatLayout, backward, forward

    X = X.astype(model.coefs_[0].dtype, copy=False)
    inputs = model._hidden_inputs()
    activation = canonical_activation(model.activation)
    H, D = forward(inputs.transform(X), model.members_coefs_,
                   model.members_intercepts_, activation, model.out_activation_)
    n_networks = len(model.members_coefs_[0])
    dY = np.zeros((n_networks, len(X), model.n_outputs_), dtype=X.dtype)
    dY[:, :, output] = model._network_weight()[output] / n_networks
    layout = FlatLayout([c.shape[0] for c in model.coefs_] + [model.n_outputs_])
    scratch = layout.unpack(np.empty((n_networks, layout.size), dtype=X.dtype))
    dH = backward(dY, H, D, model.members_coefs_, activation, model.out_activation_,
                  *scratch, input_gradient=True).sum(axis=0)
    return inputs.input_gradient(X, dH) + model.skip_coef_[:, output]


def _keras_input_gradient(keras_model, X, output):
    """Automatic differentiation on the model's own backend."""
    import keras

    backend = keras.backend.backend()
    dtype = keras.backend.standardize_dtype(keras_model.inputs[0].dtype)
    X = X.astype(dtype)
    if backend == "tensorflow":
        import tensorflow as tf

        x = tf.convert_to_tensor(X)
        with tf.GradientTape() as tape:
            tape.watch(x)
            out = keras_model(x, training=False)[:, output]
        # rows are independent, so the gradient of the sum is each row's gradient
        return tape.gradient(out, x).numpy().astype(float)
    if backend == "jax":
        import jax

        trainable = [v.value for v in keras_model.trainable_variables]
        non_trainable = [v.value for v in keras_model.non_trainable_variables]

        def total(x):
            out, _ = keras_model.stateless_call(trainable, non_trainable, x,
                                                training=False)
            return out[:, output].sum()

        return np.asarray(jax.grad(total)(jax.numpy.asarray(X))).astype(float)
    raise NotImplementedError(f"local_betas has no autodiff for backend {backend!r}")


def _affine_jacobian(preprocessing, X, rtol=1e-6):
    """``dZ/dX`` of preprocessing steps ``Z = A X + c``, checked to be affine.

    Probes each unit direction from two base rows: an affine map moves by the same
    ``A[:, j]`` from both, and twice as far for a step twice as long.
    """
    base = np.asarray(X, dtype=float)[[0, -1]]
    n_features = base.shape[1]
    probes = [base] + [base + step * np.eye(n_features)[j]
                       for step in (1.0, 2.0) for j in range(n_features)]
    probes = np.vstack(probes)
    if hasattr(X, "columns"):
        probes = pd.DataFrame(probes, columns=X.columns)
    Z = np.asarray(preprocessing.transform(probes), dtype=float)
    Z0, rest = Z[:2], Z[2:].reshape(2, n_features, 2, -1)  # step, feature, base, out
    moves = rest - Z0[None, None]
    A = moves[0, :, 0].T  # (n_out, n_features)
    scale = np.abs(A).max() or 1.0
    if not (np.allclose(moves[0, :, 1].T, A, rtol=rtol, atol=rtol * scale)
            and np.allclose(moves[1, :, 0].T, 2 * A, rtol=rtol, atol=rtol * scale)):
        names = ", ".join(name for name, _ in preprocessing.steps)
        raise ValueError(
            f"local_betas needs linear preprocessing, but the step(s) {names} are "
            "not affine (StandardScaler, MinMaxScaler, RobustScaler, PCA, ... are).")
    return A


def _feature_names(estimator, X, n_features):
    if hasattr(X, "columns"):
        return list(map(str, X.columns))
    names = getattr(estimator, "feature_names_in_", None)
    if names is not None:
        return list(names)
    return [f"x{j}" for j in range(n_features)]
