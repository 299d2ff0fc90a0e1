"""Pure math: activations, losses and their derivatives, as tables keyed by name.

Every activation works in place on the pre-activation ``Z`` (turning it into ``A``),
and every derivative is written in terms of the activation's *output* ``A`` so the
backward pass never needs ``Z`` again::

    A = act(Z)                  # ACTIVATIONS[name](Z), in place
    dZ = dA * act'(Z)           # DERIVATIVES[name](A, dA), in place on dA

Every loss is a function of the residual ``R = y_pred - y_true``::

    loss = sum_i w_i * mean_k l(R_ik) / sum_i w_i
    dloss / dy_pred_ik = w_i * l'(R_ik) / (n_outputs * sum_i w_i)

Loss gradients work in place on ``R``, like the activations' derivatives.
"""

import numpy as np
from scipy.special import expit

from skquantnn import _kernels as kernels

#: Slope of ``leaky_relu`` for negative inputs (PyTorch's default).
LEAKY_RELU_SLOPE = 0.01


def identity(Z):
    """Identity activation, ``A = Z``; nothing to do."""
    return Z


def logistic(Z):
    """Logistic sigmoid, ``A = 1 / (1 + exp(-Z))``, in place."""
    return expit(Z, out=Z)


def tanh(Z):
    """Hyperbolic tangent, ``A = tanh(Z)``, in place."""
    return np.tanh(Z, out=Z)


def relu(Z):
    """Rectified linear unit, ``A = max(Z, 0)``, in place."""
    return np.maximum(Z, 0.0, out=Z)


def leaky_relu(Z):
    """Leaky ReLU, ``A = Z if Z > 0 else LEAKY_RELU_SLOPE * Z``, in place."""
    return np.maximum(Z, LEAKY_RELU_SLOPE * Z, out=Z)


def identity_derivative(A, dA):
    """``dZ = dA``."""
    return dA


def logistic_derivative(A, dA):
    """``dZ = dA * A * (1 - A)``, in place on ``dA``."""
    dA *= A
    dA *= 1 - A
    return dA


def tanh_derivative(A, dA):
    """``dZ = dA * (1 - A**2)``, in place on ``dA``."""
    dA *= 1 - A**2
    return dA


def relu_derivative(A, dA):
    """``dZ = dA * (A > 0)``, in place on ``dA`` (one compiled pass with numba)."""
    if kernels.COMPILED:
        kernels.relu_derivative(A, dA)
    else:
        dA *= A > 0.0
    return dA


def leaky_relu_derivative(A, dA):
    """``dZ = dA * (1 if A > 0 else LEAKY_RELU_SLOPE)``, in place on ``dA``."""
    dA *= np.where(A > 0, 1.0, LEAKY_RELU_SLOPE).astype(dA.dtype, copy=False)
    return dA


ACTIVATIONS = {
    "identity": identity,
    "logistic": logistic,
    "tanh": tanh,
    "relu": relu,
    "leaky_relu": leaky_relu,
}

DERIVATIVES = {
    "identity": identity_derivative,
    "logistic": logistic_derivative,
    "tanh": tanh_derivative,
    "relu": relu_derivative,
    "leaky_relu": leaky_relu_derivative,
}

def add_bias_and_activate(Z, b, name):
    """``A = act(Z + b)``, in place on ``Z`` (ReLU in one compiled pass with numba).

    Parameters
    ----------
    Z : ndarray of shape ([n_networks,] n_samples, n_units)
    b : ndarray of shape ([n_networks,] n_units)
    name : str
        A key of ``ACTIVATIONS``.
    """
    if name == "relu" and kernels.COMPILED:
        kernels.bias_relu(Z, b)
        return Z
    Z += b[..., None, :]
    return ACTIVATIONS[name](Z)


def outer_and_derivative(dZ, W_T, A, name, out):
    """``dZ_prev = (dZ * W_T) * act'(A)``: backward through a one-unit layer, whose
    product with its transposed weights is an outer product (exactly), and the
    activation before it, in place on ``out`` (ReLU in one compiled pass with
    numba).

    Parameters
    ----------
    dZ : ndarray of shape ([n_networks,] n_samples, 1)
    W_T : ndarray of shape ([n_networks,] 1, n_units)
    A : ndarray of shape ([n_networks,] n_samples, n_units)
        The activation's output.
    name : str
        A key of ``DERIVATIVES``.
    out : ndarray, shaped as ``A``, or None
    """
    if name == "relu" and kernels.COMPILED:
        if out is None:
            out = np.empty_like(A)
        kernels.outer_relu_derivative(dZ, W_T, A, out)
        return out
    return DERIVATIVES[name](A, np.multiply(dZ, W_T, out=out))


#: Keras's names for the same functions, accepted wherever an activation is named.
ACTIVATION_ALIASES = {"linear": "identity", "sigmoid": "logistic"}


def canonical_activation(name):
    """Return scikit-learn's name for an activation given by either naming."""
    return ACTIVATION_ALIASES.get(name, name)


def squared_error(R, delta=None):
    """Pointwise squared error ``R**2`` (Keras's ``"mse"``, not sklearn's half)."""
    return R**2


def squared_error_gradient(R, delta=None):
    """``d(R**2)/dR = 2 R``, in place on ``R``."""
    R *= 2.0
    return R


def absolute_error(R, delta=None):
    """Pointwise absolute error ``|R|``."""
    return np.abs(R)


def absolute_error_gradient(R, delta=None):
    """``d|R|/dR = sign(R)`` (0 at 0), in place on ``R``."""
    return np.sign(R, out=R)


def huber(R, delta=1.0):
    """Huber loss: ``R**2 / 2`` if ``|R| <= delta``, else ``delta (|R| - delta / 2)``.

    Quadratic near zero and linear in the tails, so outliers pull less.
    """
    abs_R = np.abs(R)
    return np.where(abs_R <= delta, 0.5 * R**2, delta * (abs_R - 0.5 * delta))


def huber_gradient(R, delta=1.0):
    """``clip(R, -delta, delta)``, in place on ``R``."""
    return np.clip(R, -delta, delta, out=R)


LOSS_FUNCTIONS = {
    "squared_error": squared_error,
    "absolute_error": absolute_error,
    "huber": huber,
}

LOSS_GRADIENTS = {
    "squared_error": squared_error_gradient,
    "absolute_error": absolute_error_gradient,
    "huber": huber_gradient,
}


def weighted_mean_loss(loss, y_pred, y_true, sample_weight=None, delta=1.0):
    """Mean loss over outputs, weighted mean over samples.

    Parameters
    ----------
    loss : str
        A key of ``LOSS_FUNCTIONS``.
    y_pred : ndarray of shape ([n_networks,] n_samples, n_outputs)
    y_true : ndarray of shape (n_samples, n_outputs)
    sample_weight : ndarray of shape (n_samples,) or None
    delta : float
        Huber threshold.

    Returns
    -------
    float or ndarray of shape (n_networks,)
        One loss per member when ``y_pred`` has a member axis.
    """
    pointwise = LOSS_FUNCTIONS[loss](y_pred - y_true, delta).mean(axis=-1)
    result = np.average(pointwise, axis=-1, weights=sample_weight)
    return float(result) if np.ndim(result) == 0 else result
