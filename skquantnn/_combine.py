"""NumpyMLPRegressor's parts, how one fit makes them, and how they make one forecast,
in the target's own units::

    y_hat = mean + scale * (x @ W_skip + c_skip + w * avg_k net_k(soft_clip(x)))

``mean`` and ``scale`` standardise the target; the skip connection ``W_skip, c_skip``
is a ridge regression fitted in closed form (:func:`ridge_loo`); the hidden
layers of every member ``net_k`` learn what it leaves, and their average enters
with the weight ``w = 1 - shrinkage`` (:func:`shrinkage_weight`), so a network with
no evidence of skill falls back to the linear forecast, and with no skip
connection, to the training mean.
"""

from dataclasses import dataclass

import numpy as np

from skquantnn._lbfgs import train_lbfgs
from skquantnn._network import soft_clip
from skquantnn._training import predict_flat, train
from skquantnn._validation import MIN_HELD_OUT_ROWS, SCALE_HINT, split_rows

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
    # the weighted Gram matrix's eigenvectors: only (n_features,)-sized pieces, no
    # (n_samples, n_features) factor beyond the centred X itself
    with np.errstate(over="ignore", invalid="ignore"):
        gram = (Xc * w[:, None]).T @ Xc
    if not np.isfinite(gram).all():
        raise ValueError(
            "The skip connection's ridge regression overflowed: the inputs are "
            f"too large. Please {SCALE_HINT}, or set skip_connection=False.")
    d2, V = np.linalg.eigh(gram)
    d2 = np.maximum(d2, 0.0)                         # squared singular values
    P = Xc @ V                                       # (n_samples, n_features)
    PtWY = P.T @ (w[:, None] * Yc)                   # (n_features, n_outputs)
    P2 = P**2
    alphas = penalties * n_w
    errors = np.empty(len(alphas))
    # one penalty at a time: memory stays of the order of the data
    with np.errstate(divide="ignore", invalid="ignore"):
        for a, alpha in enumerate(alphas):
            inverse = 1.0 / (d2 + alpha)
            fitted = P @ (inverse[:, None] * PtWY)
            leverage = 1.0 / n_w + P2 @ inverse
            loo = (Yc - fitted) / (1.0 - leverage)[:, None]
            errors[a] = w @ (loo**2).sum(axis=1)
    errors = np.where(np.isfinite(errors), errors, np.inf)
    alpha = alphas[int(np.argmin(errors))] if np.isfinite(errors).any() else alphas[-1]
    coef = V @ (PtWY / (d2 + alpha)[:, None])
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


@dataclass
class LinearPart:
    """The target scaling and the skip connection of one fit.

    Attributes
    ----------
    mean, scale : ndarray of shape (n_outputs,)
        The target is modelled as ``mean + scale * z``.
    coef : ndarray of shape (n_features, n_outputs) or None
        The skip connection's weights in standardised units; None without one.
    intercept : ndarray of shape (n_outputs,)
    alpha : float or None
        The skip connection's ridge penalty.
    """

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray | None
    intercept: np.ndarray
    alpha: float | None

    @classmethod
    def fit(cls, X, Y, sample_weight, *, standardize, skip, centre):
        """Scale ``Y`` (standardise, or only centre, or neither) and fit the skip
        connection to the scaled target, on these rows."""
        n_outputs, dtype = Y.shape[1], X.dtype
        if standardize or centre:
            mean, scale = weighted_mean_scale(Y, sample_weight)
            if not standardize:
                scale = np.ones(n_outputs)
        else:
            mean, scale = np.zeros(n_outputs), np.ones(n_outputs)
        part = cls(mean.astype(dtype), scale.astype(dtype), None,
                   np.zeros(n_outputs, dtype), None)
        return part.refit(X, Y, sample_weight) if skip else part

    @classmethod
    def of(cls, est):
        """The linear part a fitted estimator forecasts with (from its public
        attributes, so that nothing but arrays is stored)."""
        mean, scale = est.target_mean_, est.target_scale_
        coef = est.skip_coef_ / scale if est.skip_connection else None
        return cls(mean, scale, coef, (est.skip_intercept_ - mean) / scale,
                   est.skip_alpha_)

    def refit(self, X, Y, sample_weight):
        """The same scaling with the skip connection fitted on these rows."""
        coef, intercept, alpha = ridge_loo(X, (Y - self.mean) / self.scale,
                                           sample_weight)
        return LinearPart(self.mean, self.scale, coef, intercept, alpha)

    @property
    def is_identity(self):
        """No skip connection and no scaling: the hidden layers see the raw y."""
        return (self.coef is None and not self.mean.any()
                and bool(np.all(self.scale == 1)))

    def hidden_target(self, X, Y):
        """What the hidden layers learn: the scaled target less the skip part.

        Returns
        -------
        ndarray of shape (n_samples, n_outputs)
        """
        if self.is_identity:
            return Y
        T = (Y - self.mean) / self.scale
        if self.coef is not None:
            T -= X @ self.coef + self.intercept
        return T


def fit_parts(settings, net, start, X, Y, sample_weight, rng, incremental,
              kept=None, dates=None):
    """One fit: split the rows, fit the linear part, train the members on what it
    leaves, weigh them, and refit the skip connection on every row.

    Parameters
    ----------
    settings : Settings
    net : Network
    start : Start
        The members' starting parameters and what the fit continues.
    X : ndarray of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
    sample_weight : ndarray of shape (n_samples,) or None
    rng : numpy.random.RandomState
    incremental : bool
        ``partial_fit``: one epoch on every row, nothing held out.
    kept : tuple ``(LinearPart, shrinkage)`` or None
        What a ``partial_fit`` after the first keeps from the first.
    dates : ndarray of shape (n_samples,), default=None
        A panel's non-decreasing date codes: held-out rows are whole dates.

    Returns
    -------
    theta : ndarray of shape (n_networks, n_params)
    optimizer : SGDOptimizer, AdamOptimizer or None
    history : History
    linear : LinearPart
    shrinkage : ndarray of shape (n_outputs,)
    """
    sw = sample_weight
    stochastic = settings.solver != "lbfgs" and not incremental
    stopping = settings.early_stopping if stochastic else False
    weighing = settings.shrinkage == "auto" and not incremental
    train_rows, stop_rows, weigh_rows = split_rows(
        len(X), stopping, weighing, settings.validation_fraction,
        settings.validation_gap, dates)
    if kept is not None:
        linear = kept[0]     # partial_fit keeps the first call's
    else:
        linear = LinearPart.fit(
            X[train_rows], Y[train_rows], None if sw is None else sw[train_rows],
            standardize=settings.standardize_target, skip=settings.skip_connection,
            centre=settings.shrinkage is not None)
    T = linear.hidden_target(X, Y)
    if not np.isfinite(T).all():
        raise ValueError(
            "The target scaling or the skip connection overflowed: the inputs or "
            f"targets are too large to fit. {SCALE_HINT.capitalize()}. The "
            "estimator keeps the weights it had before this call.")
    X_hidden = X if settings.soft_clip is None else soft_clip(X, settings.soft_clip)

    def rows(part):
        if part is None:
            return None
        return X_hidden[part], T[part], None if sw is None else sw[part]

    if settings.solver == "lbfgs":
        theta, history = train_lbfgs(settings, net, start, *rows(train_rows))
        optimizer = None
    else:
        theta, optimizer, history = train(settings, net, start, rows(train_rows),
                                          rows(stop_rows), rng, incremental)
    n_outputs = Y.shape[1]
    if settings.shrinkage is None:
        shrinkage = np.zeros(n_outputs)
    elif settings.shrinkage != "auto":
        shrinkage = np.full(n_outputs, float(settings.shrinkage))
    elif incremental:
        shrinkage = np.zeros(n_outputs) if kept is None else kept[1]
    elif weigh_rows is None:
        shrinkage = np.ones(n_outputs)    # too few rows to weigh the hidden layers
    else:
        X_w, T_w, sw_w = rows(weigh_rows)
        N = predict_flat(theta, net, X_w).mean(axis=0)
        shrinkage = 1.0 - shrinkage_weight(T_w, N, sw_w)
    if settings.skip_connection and train_rows.stop - train_rows.start < len(X):
        # refit on every row: the held-out tail is the most recent past
        linear = linear.refit(X, Y, sw)
    return theta, optimizer, history, linear, shrinkage
