"""Element-wise chains as fused loops, compiled by numba when it is installed:
the optimizers' updates, ReLU's bias-and-activation and its derivative (alone,
or after a one-unit layer's outer product), and the stacked weights' transposes.

In NumPy such a chain is one pass over the array per operation (ten for Adam),
each a separate call; compiled, it is one pass that keeps every element in
registers. Each kernel has a NumPy twin that performs the same IEEE operations in
the same order, so both give the same numbers, bit for bit (tested);
``pip install skquantnn[fast]`` adds numba, and without it the NumPy twins run.
"""

import numpy as np

try:
    import numba
except ImportError:  # the pure-NumPy path
    numba = None

#: Whether the compiled kernels are used (numba imported).
COMPILED = numba is not None


def adam_update_numpy(params, grads, m, v, beta_1, beta_2, offset, scale, scratch):
    """Adam's step on scaled moments, in place (see ``AdamOptimizer``)::

        m = beta_1 m + g;   v = beta_2 v + g**2;   p -= scale m / (sqrt(v) + offset)
    """
    m *= beta_1
    m += grads
    v *= beta_2
    np.multiply(grads, grads, out=scratch)
    v += scratch
    np.sqrt(v, out=scratch)
    scratch += offset
    np.divide(m, scratch, out=scratch)
    scratch *= scale
    params -= scratch


def sgd_update_numpy(params, grads, velocities, learning_rate, momentum, nesterov,
                     scratch):
    """SGD's step with (Nesterov) momentum, in place (see ``SGDOptimizer``)::

        v = momentum v - lr g;   p += v   (Nesterov: p += momentum v - lr g)
    """
    np.multiply(grads, learning_rate, out=scratch)
    velocities *= momentum
    velocities -= scratch
    if nesterov:
        params -= scratch
        np.multiply(velocities, momentum, out=scratch)
        params += scratch
    else:
        params += velocities


def _adam_loop(params, grads, m, v, beta_1, beta_2, offset, scale):
    p, g, m, v = params.reshape(-1), grads.reshape(-1), m.reshape(-1), v.reshape(-1)
    for i in range(p.size):
        gi = g[i]
        mi = m[i] * beta_1 + gi
        vi = v[i] * beta_2 + gi * gi
        m[i] = mi
        v[i] = vi
        p[i] -= mi / (np.sqrt(vi) + offset) * scale


def _sgd_loop(params, grads, velocities, learning_rate, momentum, nesterov):
    p, g, u = params.reshape(-1), grads.reshape(-1), velocities.reshape(-1)
    for i in range(p.size):
        step = g[i] * learning_rate
        ui = u[i] * momentum - step
        u[i] = ui
        if nesterov:
            p[i] = (p[i] - step) + ui * momentum
        else:
            p[i] += ui


def _bias_relu_rows(Z, b):
    for i in range(Z.shape[0]):
        for j in range(Z.shape[1]):
            z = Z[i, j] + b[j]
            Z[i, j] = 0.0 if z < 0 else z     # NaN stays NaN, as np.maximum


def _relu_derivative_loop(A, dA):
    for m in range(A.shape[0]):
        for i in range(A.shape[1]):
            for j in range(A.shape[2]):
                dA[m, i, j] = dA[m, i, j] * (1.0 if A[m, i, j] > 0 else 0.0)


def _outer_relu_derivative_rows(dZ, w, A, dH):
    for i in range(A.shape[0]):
        z = dZ[i, 0]
        for j in range(A.shape[1]):
            dH[i, j] = z * w[j] * (1.0 if A[i, j] > 0 else 0.0)


# Stacked members: each member's row of the parameters is a strided view, which
# might alias the arrays written; copied into a fresh contiguous vector, the
# inner loops vectorise (one network's row is contiguous: no copy)
def _bias_relu_members(Z, b):
    b_m = np.empty(Z.shape[2], dtype=b.dtype)
    for m in range(Z.shape[0]):
        b_m[:] = b[m]
        _bias_relu_rows_compiled(Z[m], b_m)


def _outer_relu_derivative_members(dZ, w, A, dH):
    w_m = np.empty(A.shape[2], dtype=w.dtype)
    for m in range(A.shape[0]):
        w_m[:] = w[m, 0]
        _outer_relu_derivative_rows_compiled(dZ[m], w_m, A[m], dH[m])


def _transpose_loop(W, out):
    for m in range(W.shape[0]):
        for j in range(W.shape[2]):
            for i in range(W.shape[1]):
                out[m, j, i] = W[m, i, j]


if COMPILED:
    # error_model="numpy": no division check, so the loops vectorise; no
    # fastmath, so every operation rounds as NumPy's does
    _jit = numba.njit(cache=True, nogil=True, error_model="numpy")
    _adam_compiled, _sgd_compiled = _jit(_adam_loop), _jit(_sgd_loop)
    _relu_derivative_compiled = _jit(_relu_derivative_loop)
    _bias_relu_rows_compiled = _jit(_bias_relu_rows)
    _bias_relu_members_compiled = _jit(_bias_relu_members)
    _outer_relu_derivative_rows_compiled = _jit(_outer_relu_derivative_rows)
    _outer_relu_derivative_members_compiled = _jit(_outer_relu_derivative_members)
    _transpose_compiled = _jit(_transpose_loop)


def adam_update(params, grads, m, v, beta_1, beta_2, offset, scale, scratch):
    """Adam's step in place: one compiled pass, or :func:`adam_update_numpy`.

    Parameters
    ----------
    params, grads, m, v, scratch : ndarray of the same shape, C-contiguous
        ``m`` and ``v`` are the moments divided by ``1 - beta_1`` and
        ``1 - beta_2``; ``scratch`` is overwritten (NumPy path only).
    beta_1, beta_2, offset, scale : float
    """
    # scalars in the arrays' type: float32 arrays compute in float32 either way
    beta_1, beta_2, offset, scale = map(params.dtype.type,
                                        (beta_1, beta_2, offset, scale))
    if COMPILED:
        _adam_compiled(params, grads, m, v, beta_1, beta_2, offset, scale)
    else:
        adam_update_numpy(params, grads, m, v, beta_1, beta_2, offset, scale, scratch)


def sgd_update(params, grads, velocities, learning_rate, momentum, nesterov,
               scratch):
    """SGD's step in place: one compiled pass, or :func:`sgd_update_numpy`."""
    learning_rate, momentum = map(params.dtype.type, (learning_rate, momentum))
    if COMPILED:
        _sgd_compiled(params, grads, velocities, learning_rate, momentum, nesterov)
    else:
        sgd_update_numpy(params, grads, velocities, learning_rate, momentum,
                         nesterov, scratch)


def bias_relu(Z, b):
    """``Z = max(Z + b, 0)`` in place, one compiled pass.

    Parameters
    ----------
    Z : ndarray of shape ([n_networks,] n_samples, n_units)
    b : ndarray of shape ([n_networks,] n_units)
    """
    if Z.ndim == 2:
        _bias_relu_rows_compiled(Z, b)
    else:
        _bias_relu_members_compiled(Z, b)


def relu_derivative(A, dA):
    """``dA *= (A > 0)`` in place, one compiled pass; shapes as :func:`bias_relu`'s
    ``Z``."""
    if A.ndim == 2:
        A, dA = A[None], dA[None]
    _relu_derivative_compiled(A, dA)


def outer_relu_derivative(dZ, W_T, A, dH):
    """``dH = (dZ * W_T) * (A > 0)``: backward through a one-unit layer (an outer
    product, exactly) and ReLU, in one compiled pass.

    Parameters
    ----------
    dZ : ndarray of shape ([n_networks,] n_samples, 1)
    W_T : ndarray of shape ([n_networks,] 1, n_units)
        The one-unit layer's transposed weights.
    A : ndarray of shape ([n_networks,] n_samples, n_units)
        ReLU's output.
    dH : ndarray, shaped as ``A``
        Written.
    """
    if A.ndim == 2:
        _outer_relu_derivative_rows_compiled(dZ, W_T[0], A, dH)
    else:
        _outer_relu_derivative_members_compiled(dZ, W_T, A, dH)


def transpose(W, out):
    """``out = W.swapaxes(-1, -2)``, each member's matrix into contiguous memory.

    Parameters
    ----------
    W : ndarray of shape (n_networks, n_in, n_out)
    out : ndarray of shape (n_networks, n_out, n_in) or None
        Written; None for a new array.
    """
    if out is None:
        out = np.empty(W.shape[:-2] + W.shape[:-3:-1], dtype=W.dtype)
    if COMPILED:
        _transpose_compiled(W, out)
    else:
        np.copyto(out, W.swapaxes(-1, -2))
    return out
