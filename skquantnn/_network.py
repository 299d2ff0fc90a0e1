"""The multilayer perceptron's math: parameter layout, forward and backward pass.

Notation follows the seeds. For layer ``l = 1..L`` with weights ``W_l`` of shape
(n_in, n_out) and bias ``b_l``::

    Z_l = D_{l-1} @ W_l + b_l          H_l = act(Z_l)        D_l = H_l * M_l

``D_0 = X``; ``M_l`` is the (inverted) dropout mask of a hidden layer, absent
otherwise (``D_l = H_l``). Backward, from ``dH_L = dloss/dy_pred``::

    dZ_l = dH_l * act'(H_l)
    dW_l = D_{l-1}.T @ dZ_l            db_l = dZ_l.sum(0)
    dH_{l-1} = (dZ_l @ W_l.T) * M_{l-1}

All parameters live in one flat vector (coefficients first, then intercepts, the
order of scikit-learn's ``_pack``); ``coefs`` and ``intercepts`` are views into it,
so an optimizer updates the whole network with one vectorised call.

Several networks train side by side as one: their flat vectors are the rows of a
``(n_networks, n_params)`` array, every ``W_l`` gains a leading member axis
``(n_networks, n_in, n_out)``, and the same functions below run all members with
batched matrix products (``np.matmul`` broadcasts the shared input ``X`` to every
member). One network is either layout's plain case.
"""

from itertools import pairwise

import numpy as np

from skquantnn._activations import (
    DERIVATIVES,
    LOSS_GRADIENTS,
    add_bias_and_activate,
    outer_and_derivative,
)
from skquantnn._kernels import transpose


class FlatLayout:
    """Where each layer's ``W`` and ``b`` sit in one flat parameter vector.

    Parameters
    ----------
    layer_units : list of int
        ``[n_features, *hidden_layer_sizes, n_outputs]``.

    Attributes
    ----------
    n_coefs : int
        Number of weights (the leading, penalised part of the vector).
    size : int
        Total number of parameters.
    """

    def __init__(self, layer_units):
        self.layer_units = list(layer_units)
        shapes = list(pairwise(self.layer_units))
        self._coef_slices, self._intercept_slices = [], []
        start = 0
        for n_in, n_out in shapes:
            self._coef_slices.append((start, start + n_in * n_out, (n_in, n_out)))
            start += n_in * n_out
        self.n_coefs = start
        for _, n_out in shapes:
            self._intercept_slices.append((start, start + n_out))
            start += n_out
        self.size = start

    def unpack(self, flat):
        """Views of ``flat`` as ``(coefs, intercepts)`` lists, one entry per layer.

        ``flat`` of shape (n_params,) gives ``W_l`` of shape (n_in, n_out); of shape
        (n_networks, n_params), ``W_l`` of shape (n_networks, n_in, n_out) and
        ``b_l`` of shape (n_networks, n_out).
        """
        lead = flat.shape[:-1]
        coefs = [flat[..., a:b].reshape(lead + shape)
                 for a, b, shape in self._coef_slices]
        intercepts = [flat[..., a:b] for a, b in self._intercept_slices]
        return coefs, intercepts

    def pack(self, coefs, intercepts, dtype):
        """A new flat array holding copies of ``coefs`` and ``intercepts``, the
        inverse of :meth:`unpack`: of shape (n_params,) for plain layers, or
        (n_networks, n_params) for layers with a leading member axis."""
        lead = np.shape(coefs[0])[:-2]
        parts = [np.reshape(a, lead + (-1,)) for a in [*coefs, *intercepts]]
        return np.concatenate(parts, axis=-1).astype(dtype, copy=False)


def glorot_uniform_init(layer_units, activation, random_state, dtype):
    """scikit-learn's initialisation: ``U(-r, r)``, ``r = sqrt(f / (n_in + n_out))``.

    ``f`` is 2 for the logistic activation and 6 otherwise; intercepts are drawn
    from the same distribution.

    Returns
    -------
    coefs : list of ndarray of shape (n_in, n_out)
    intercepts : list of ndarray of shape (n_out,)
    """
    factor = 2.0 if activation == "logistic" else 6.0
    coefs, intercepts = [], []
    for n_in, n_out in pairwise(layer_units):
        bound = np.sqrt(factor / (n_in + n_out))
        coefs.append(random_state.uniform(-bound, bound, (n_in, n_out)).astype(dtype))
        intercepts.append(random_state.uniform(-bound, bound, n_out).astype(dtype))
    return coefs, intercepts


def init_members(layout, n_networks, activation, random_state, dtype,
                 zero_output=False):
    """``n_networks`` independent initialisations, one per row of the result.

    Member 0 draws first, so one network gets exactly scikit-learn's weights.

    Parameters
    ----------
    layout : FlatLayout
    n_networks : int
    activation : str
    random_state : numpy.random.RandomState
    dtype : dtype
    zero_output : bool, default=False
        Set the output layer's weights and bias to 0 after drawing them (the
        draws stay the same): every member then starts by forecasting 0, and
        learns a correction to what the skip connection forecasts.

    Returns
    -------
    theta : ndarray of shape (n_networks, n_params)
    """
    theta = np.stack([
        layout.pack(*glorot_uniform_init(layout.layer_units, activation,
                                         random_state, dtype), dtype)
        for _ in range(n_networks)])
    if zero_output:
        coefs, intercepts = layout.unpack(theta)
        coefs[-1][...] = 0
        intercepts[-1][...] = 0
    return theta


def forward(X, coefs, intercepts, activation, out_activation, masks=None, out=None):
    """Forward pass, keeping every layer's output for the backward pass.

    Parameters
    ----------
    X : ndarray of shape ([n_networks,] n_samples, n_features)
        Shared by every member, or each member's own rows.
    coefs, intercepts : lists of ndarray
        Per-layer ``W_l`` of shape (n_in, n_out) and ``b_l`` of shape (n_out,), or
        with a leading member axis (see :meth:`FlatLayout.unpack`); every output
        then has that axis too.
    activation, out_activation : str
        Keys of ``ACTIVATIONS`` for the hidden layers and the output layer.
    masks : list of ndarray of shape (n_samples, n_units) or None
        Dropout masks of the hidden layers (already scaled by ``1 / keep``).
    out : Buffers, optional
        Preallocated buffers with at least ``n_samples`` rows; results are
        written into the first rows of ``out.H`` and ``out.D``.

    Returns
    -------
    H : list of ndarray, length n_layers
        ``H[0] = X``, ``H[l]`` the output of layer ``l``; ``H[-1]`` is ``y_pred``.
    D : list of ndarray, length n_layers
        The inputs each next layer saw: ``H`` after dropout.
    """
    n = X.shape[-2]
    n_layers = len(coefs)
    H = [X]
    D = H if masks is None else [X]
    for layer in range(1, n_layers + 1):
        Z = np.matmul(D[-1], coefs[layer - 1],
                      out=None if out is None else out.H[layer][..., :n, :])
        if layer < n_layers:
            H.append(add_bias_and_activate(Z, intercepts[layer - 1], activation))
            if masks is not None:
                dropped = None if out is None else out.D[layer][..., :n, :]
                D.append(np.multiply(H[-1], masks[layer - 1][..., :n, :],
                                     out=dropped))
        else:
            H.append(add_bias_and_activate(Z, intercepts[layer - 1], out_activation))
            if masks is not None:
                D.append(H[-1])
    return H, D


def backward(dY, H, D, coefs, activation, out_activation, coef_grads,
             intercept_grads, masks=None, buffers=None, input_gradient=False):
    """Backward pass: write ``dW_l`` and ``db_l`` into the gradient views.

    Parameters
    ----------
    dY : ndarray of shape (n_samples, n_outputs)
        ``dloss / dy_pred``; overwritten.
    H, D : lists of ndarray
        As returned by :func:`forward`.
    coefs : list of ndarray
    activation, out_activation : str
    coef_grads, intercept_grads : lists of ndarray
        Views into the flat gradient vector, filled in place.
    masks : list of ndarray or None
        The dropout masks used in the forward pass.
    buffers : Buffers, optional
        Preallocated ``dH`` and transposed-weight buffers.
    input_gradient : bool
        Also return ``dloss / dX`` (one more matrix product).

    Returns
    -------
    dX : ndarray of shape (n_samples, n_features) or None
        ``dloss / dX`` when ``input_gradient`` is True.
    """
    n = dY.shape[-2]
    # db = dZ.sum(-2), as a product with a ones vector: faster on small batches
    ones = np.ones(n, dtype=dY.dtype) if buffers is None else buffers.ones[:n]
    dZ = DERIVATIVES[out_activation](H[-1], dY)
    for layer in range(len(coefs), 1, -1):
        np.matmul(_T(D[layer - 1]), dZ, out=coef_grads[layer - 1])
        np.matmul(ones, dZ, out=intercept_grads[layer - 1])
        dZ = _previous_delta(
            dZ, coefs[layer - 1], H[layer - 1], activation,
            None if masks is None else masks[layer - 2][..., :n, :],
            None if buffers is None else buffers.deltas[layer - 1][..., :n, :],
            None if buffers is None else buffers.transposed[layer - 1])
    np.matmul(_T(D[0]), dZ, out=coef_grads[0])
    np.matmul(ones, dZ, out=intercept_grads[0])
    return np.matmul(dZ, _T(coefs[0])) if input_gradient else None


def _previous_delta(dZ, W, A, activation, mask, out, transposed):
    """``dZ_{l-1} = ((dZ_l @ W_l.T) * M_{l-1}) * act'(A_{l-1})``, into ``out``.

    A one-unit layer's product is an outer product, exactly (fused with ReLU's
    derivative when there is no mask); stacked members multiply by a contiguous
    copy of each member's transposed weights (written into ``transposed``), which
    BLAS takes faster than a transposed view.
    """
    W_T = _T(W)
    if W_T.shape[-2] == 1:
        if mask is None:
            return outer_and_derivative(dZ, W_T, A, activation, out)
        dH = np.multiply(dZ, W_T, out=out)
    else:
        if W.ndim == 3:
            W_T = transpose(W, transposed)
        dH = np.matmul(dZ, W_T, out=out)
    if mask is not None:
        dH *= mask
    return DERIVATIVES[activation](A, dH)


def _T(A):
    """Transpose of the last two axes (each member's matrix)."""
    return A.swapaxes(-1, -2)     # the method: no dispatch through np.swapaxes


class Buffers:
    """Preallocated arrays of one training run's passes, for batches of up to
    ``n_rows`` rows.

    Index ``l`` of ``H``, ``D`` and ``deltas`` holds an ``lead + (n_rows,
    layer_units[l])`` array (``lead`` is ``(n_networks,)`` for stacked members);
    index 0 of each is unused (the input is the batch itself). ``ones`` is a
    vector of ones, used to sum over rows; ``transposed[l]`` holds stacked
    ``W_l``'s transpose, ``lead + (n_out, n_in)``.
    """

    def __init__(self, layer_units, n_rows, dtype, lead=()):
        def make():
            return [None] + [np.empty(lead + (n_rows, u), dtype=dtype)
                             for u in layer_units[1:]]

        self.H, self.D, self.deltas = make(), make(), make()
        self.ones = np.ones(n_rows, dtype=dtype)
        self.transposed = [None] + [
            np.empty(lead + (n_out, n_in), dtype=dtype) if lead else None
            for n_in, n_out in list(pairwise(layer_units))[1:]]


def output_gradient(loss, R, sample_weight, sw_sum, delta):
    """``dloss / dy_pred`` of the weighted mean loss, in place on the residual.

    Parameters
    ----------
    loss : str
        A key of ``LOSS_GRADIENTS``.
    R : ndarray of shape ([n_networks,] n_samples, n_outputs)
        Residual ``y_pred - y_true``; overwritten with the gradient.
    sample_weight : ndarray of shape ([n_networks,] n_samples) or None
    sw_sum : float or ndarray of shape (n_networks,)
        Sum of the weights (``n_samples`` when unweighted), per member with
        per-member weights.
    delta : float
        Huber threshold.

    Returns
    -------
    ndarray of shape (n_samples, n_outputs)
    """
    R = LOSS_GRADIENTS[loss](R, delta)
    if sample_weight is not None:
        R *= sample_weight[..., None]
    if np.ndim(sw_sum):
        R *= 1.0 / (sw_sum[:, None, None] * R.shape[-1])
    else:
        R *= 1.0 / (sw_sum * R.shape[-1])
    return R


def penalty(flat_coefs, alpha, l1_alpha, sw_sum):
    """``(alpha/2 * ||W||^2 + l1_alpha * |W|_1) / sw_sum`` over all weights (of all
    members: their sum; ``sw_sum`` may be one per member)."""
    W = np.atleast_2d(flat_coefs)
    if np.ndim(sw_sum):
        value = np.zeros(len(W))
        if alpha:
            value += 0.5 * alpha * np.einsum("ij,ij->i", W, W)
        if l1_alpha:
            value += l1_alpha * np.abs(W).sum(axis=1)
        return float((value / sw_sum).sum())
    value = 0.0
    if alpha:
        value += 0.5 * alpha * float(np.einsum("ij,ij->", W, W))
    if l1_alpha:
        value += l1_alpha * float(np.abs(W).sum())
    return value / sw_sum


def add_penalty_gradient(flat_grad_coefs, flat_coefs, alpha, l1_alpha, sw_sum):
    """Add ``(alpha * W + l1_alpha * sign(W)) / sw_sum`` to the weights' gradient
    (rows are members; ``sw_sum`` a float or one per member)."""
    scale = (1.0 / sw_sum[:, None]).astype(flat_coefs.dtype) if np.ndim(sw_sum) else (
        1.0 / sw_sum)
    if alpha:
        flat_grad_coefs += (alpha * scale) * flat_coefs
    if l1_alpha:
        flat_grad_coefs += (l1_alpha * scale) * np.sign(flat_coefs)
