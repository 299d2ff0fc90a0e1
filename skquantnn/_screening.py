"""Which inputs the hidden layers see: a screen for non-linear evidence.

On noisy data a network with many inputs fits noise long before it finds a weak
non-linear signal: every irrelevant input adds weights that chance can use.
Trees avoid it by splitting greedily on one feature at a time. The hidden layers
here see only the features with significant evidence of a non-linear effect in
what the linear part leaves, ``r``, on the training rows (the screens of Fan and
Lv 2008 and of Hao and Zhang 2014 for interactions):

- **pairs**: for every pair ``i < j`` of standardised features, the correlation
  of ``r`` with the product ``z_i z_j``, as ``t = corr * sqrt(n)``;
- **shapes**: for every feature, ``chi2 = n R^2`` of ``r`` regressed on the
  feature's piecewise-linear bins (:mod:`skquantnn._embedding`), with as many
  degrees of freedom as bins.

A feature passes when one of its statistics is significant at ``level`` after
Bonferroni's correction for the number of pairs (or features) and outputs
tested, so that on pure noise no feature passes with probability about
``1 - level``. ``n`` is the number of rows, or Kish's effective number
``(sum w)^2 / sum w^2`` with sample weights.
"""

import numpy as np
from scipy.stats import chi2, norm

from skquantnn._embedding import _bins, quantile_edges


def effective_rows(sample_weight, n_samples):
    """Kish's effective sample size; ``n_samples`` without weights."""
    if sample_weight is None:
        return float(n_samples)
    return float(sample_weight.sum() ** 2 / (sample_weight**2).sum())


def _weighted_centre(A, w):
    return A - (w @ A) / w.sum()


def interaction_statistics(X, r, sample_weight=None):
    """``t`` statistics of ``corr(r, z_i z_j)`` for every pair of columns.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    r : ndarray of shape (n_samples,)
    sample_weight : ndarray of shape (n_samples,) or None

    Returns
    -------
    ndarray of shape (n_features, n_features)
        Symmetric; the diagonal (squares) is set to 0.
    """
    w = np.ones(len(r)) if sample_weight is None else sample_weight
    total = w.sum()
    Z = _weighted_centre(X.astype(np.float64), w)
    scale = np.sqrt(w @ Z**2 / total)
    Z /= np.where(scale > 0, scale, 1.0)
    rc = _weighted_centre(r.astype(np.float64), w)
    r_scale = np.sqrt(w @ rc**2 / total)
    if r_scale == 0:
        return np.zeros((X.shape[1], X.shape[1]))
    Zw = Z * w[:, None]
    covariance = (Zw * rc[:, None]).T @ Z / (total * r_scale)     # E[r~ z_i z_j]
    product_variance = (Zw * Z).T @ Z**2 / total - (Zw.T @ Z / total) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        t = covariance / np.sqrt(product_variance)
    t = np.nan_to_num(t, nan=0.0, posinf=0.0, neginf=0.0)
    t *= np.sqrt(effective_rows(sample_weight, len(r)))
    np.fill_diagonal(t, 0.0)
    return t


def additive_statistics(X, r, n_bins, sample_weight=None):
    """``chi2 = n R^2`` of ``r`` on each column's piecewise-linear bins.

    Returns
    -------
    statistics : ndarray of shape (n_features,)
    dof : ndarray of int of shape (n_features,)
        Bins of positive width of each column.
    """
    w = np.ones(len(r)) if sample_weight is None else sample_weight
    X = X.astype(np.float64)
    edges = quantile_edges(X, n_bins, sample_weight)
    lower, inverse = _bins(edges)
    root = np.sqrt(w)
    rc = _weighted_centre(r.astype(np.float64), w) * root
    total = rc @ rc
    n = effective_rows(sample_weight, len(r))
    statistics = np.zeros(X.shape[1])
    dof = (inverse > 0).sum(axis=0)
    if total == 0:
        return statistics, dof
    for j in range(X.shape[1]):
        used = inverse[:, j] > 0
        if not used.any():
            continue
        B = np.clip((X[:, [j]] - lower[used, j]) * inverse[used, j], 0.0, 1.0)
        B = _weighted_centre(B, w) * root[:, None]
        coef = np.linalg.lstsq(B, rc, rcond=None)[0]
        statistics[j] = n * (rc @ (B @ coef)) / total
    return statistics, dof


def screen_features(X, R, n_bins, level, max_features, sample_weight=None):
    """The features the hidden layers see, most significant first.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    R : ndarray of shape (n_samples, n_outputs)
        What the linear part leaves, per output.
    n_bins : int
        Bins of the shape test.
    level : float in (0, 1)
        Family-wise significance level of the screen.
    max_features : int
        At most this many features are kept (the most significant).
    sample_weight : ndarray of shape (n_samples,) or None

    Returns
    -------
    ndarray of int of shape (n_kept,)
        Column indices, possibly empty.
    """
    n_features, n_outputs = X.shape[1], R.shape[1]
    # log p-values, so that very strong evidence still ranks
    best = np.zeros(n_features)
    n_pairs = max(1, n_features * (n_features - 1) // 2)
    pair_cut = np.log(level / (n_pairs * n_outputs))
    shape_cut = np.log(level / (n_features * n_outputs))
    for k in range(n_outputs):
        if n_features > 1:
            log_p = np.log(2.0) + norm.logsf(np.abs(
                interaction_statistics(X, R[:, k], sample_weight)))
            log_p = np.where(log_p < pair_cut, log_p, 0.0).min(axis=1)
            best = np.minimum(best, log_p)
        statistics, dof = additive_statistics(X, R[:, k], n_bins, sample_weight)
        log_p = np.where(dof > 0, chi2.logsf(statistics, np.maximum(dof, 1)), 0.0)
        best = np.minimum(best, np.where(log_p < shape_cut, log_p, 0.0))
    kept = np.flatnonzero(best < 0)
    return kept[np.argsort(best[kept], kind="stable")][:max_features]
