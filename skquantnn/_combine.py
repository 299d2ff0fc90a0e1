"""How NumpyMLPRegressor's parts make one forecast, in the target's own units::

    y_hat = mean + scale * (x @ W_skip + c_skip + w * avg_k net_k(soft_clip(x)))

``mean`` and ``scale`` standardise the target; the skip connection ``W_skip, c_skip``
is a ridge regression fitted in closed form (:func:`ridge_loo`); the hidden
layers of every member ``net_k`` learn what it leaves, and their average enters
with the weight ``w = 1 - shrinkage`` (:func:`shrinkage_weight`), so a network with
no evidence of skill falls back to the linear forecast, and with no skip
connection, to the training mean.
"""

import numpy as np

from skquantnn._validation import MIN_HELD_OUT_ROWS, SCALE_HINT

#: Ridge penalties tried by :func:`ridge_loo`, per unit of total sample weight:
#: from almost least squares (1e-6) to almost the mean (1e3), whatever the scale
#: of the sample, for inputs standardised to unit variance.
RIDGE_PENALTIES = np.logspace(-6, 3, 37)

#: Penalty, in residual variances, on the fit the hidden layers add to the
#: weighing rows (2 is Akaike's penalty for one parameter).
GAIN_PENALTY = 2.0


def weighted_mean_scale(Y, sample_weight=None):
    """Per-column (weighted) mean and standard deviation; a constant column gets
    scale 1.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_outputs)
    sample_weight : ndarray of shape (n_samples,) or None

    Returns
    -------
    mean, scale : ndarray of shape (n_outputs,)
    """
    mean = np.average(Y, axis=0, weights=sample_weight)
    var = np.average((Y - mean) ** 2, axis=0, weights=sample_weight)
    scale = np.sqrt(var)
    tiny = scale <= np.finfo(Y.dtype).eps * np.maximum(np.abs(mean), 1.0)
    return mean, np.where(tiny, 1.0, scale).astype(Y.dtype)


def ridge_loo(X, Y, sample_weight=None, penalties=RIDGE_PENALTIES):
    """Ridge regression with its penalty chosen by leave-one-out cross-validation.

    Minimises ``sum_i w_i ||y_i - x_i W - c||^2 + alpha ||W||^2`` for each
    ``alpha = penalty * sum(w)`` and keeps the one with the smallest
    leave-one-out error, computed in closed form (as scikit-learn's ``RidgeCV``)::

        LOO(alpha) = sum_i w_i ||r_i / (1 - h_i)||^2

    with ``r_i`` the residual of row ``i`` and ``h_i = x_i (X'WX + alpha)^-1 x_i'``
    the leverage of one copy of it (intercept included). Leaving out one unit of
    weight at a time makes integer weights and repeated rows give the same
    criterion, so the same fit.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
    sample_weight : ndarray of shape (n_samples,) or None
    penalties : ndarray of shape (n_alphas,)

    Returns
    -------
    coef : ndarray of shape (n_features, n_outputs)
    intercept : ndarray of shape (n_outputs,)
    alpha : float
    """
    X64, Y64 = X.astype(np.float64), Y.astype(np.float64)
    w = np.ones(len(X)) if sample_weight is None else sample_weight.astype(np.float64)
    n_w = w.sum()
    x_mean, y_mean = w @ X64 / n_w, w @ Y64 / n_w
    Xc, Yc = X64 - x_mean, Y64 - y_mean
    root = np.sqrt(w)[:, None]
    with np.errstate(over="ignore", invalid="ignore"):
        _, d, Vt = np.linalg.svd(Xc * root, full_matrices=False)
        if not np.isfinite(d**2).all():
            raise ValueError(
                "The skip connection's ridge regression overflowed: the inputs are "
                f"too large. Please {SCALE_HINT}, or set skip_connection=False.")
    P = Xc @ Vt.T                                    # (n_samples, rank)
    PtWY = P.T @ (w[:, None] * Yc)                   # (rank, n_outputs)
    alphas = penalties * n_w
    inverse = 1.0 / (d[None, :] ** 2 + alphas[:, None])          # (n_alphas, rank)
    fitted = np.einsum("nr,ar,ro->ano", P, inverse, PtWY)        # (n_alphas, n, o)
    leverage = 1.0 / n_w + (P**2) @ inverse.T                    # (n, n_alphas)
    with np.errstate(divide="ignore", invalid="ignore"):
        loo = (Yc[None] - fitted) / (1.0 - leverage.T)[:, :, None]
        errors = np.einsum("n,ano->a", w, loo**2)
    errors = np.where(np.isfinite(errors), errors, np.inf)
    alpha = alphas[int(np.argmin(errors))] if np.isfinite(errors).any() else alphas[-1]
    coef = Vt.T @ (PtWY / (d**2 + alpha)[:, None])
    intercept = y_mean - x_mean @ coef
    return coef.astype(X.dtype), intercept.astype(X.dtype), float(alpha)


def shrinkage_weight(T, N, sample_weight=None, penalty=GAIN_PENALTY):
    """Weight ``w`` in [0, 1] of the hidden layers' forecast ``N`` of ``T``, per
    output, judged on rows that took no part in training or stopping.

    The least-squares weight ``b = <N, T> / <N, N>`` (0 if negative) is shrunk
    like a positive-part James-Stein estimate: by the share of its fit gain
    ``G = b^2 <N, N>`` that chance alone would give, ``penalty`` residual
    variances, so ``w = min(1, b * max(0, 1 - penalty * s^2 / G))``. Fewer than
    ``MIN_HELD_OUT_ROWS`` rows give ``w = 0``.

    Parameters
    ----------
    T : ndarray of shape (n_samples, n_outputs)
        What the hidden layers should have forecast (the standardised target less
        the skip connection's forecast).
    N : ndarray of shape (n_samples, n_outputs)
        The members' average forecast.
    sample_weight : ndarray of shape (n_samples,) or None
    penalty : float

    Returns
    -------
    ndarray of shape (n_outputs,)
    """
    n_outputs = T.shape[1]
    if len(T) < MIN_HELD_OUT_ROWS:
        return np.zeros(n_outputs)
    w = np.ones(len(T)) if sample_weight is None else sample_weight
    T, N = T.astype(np.float64), N.astype(np.float64)
    nn = w @ (N * N)
    with np.errstate(divide="ignore", invalid="ignore"):
        b = np.where(nn > 0, (w @ (N * T)) / nn, 0.0)
        b = np.maximum(b, 0.0)
        gain = b**2 * nn
        s2 = (w @ (T - b * N) ** 2) / w.sum()
        kept = np.where(gain > 0, np.maximum(0.0, 1.0 - penalty * s2 / gain), 0.0)
    return np.clip(np.nan_to_num(b * kept), 0.0, 1.0)
