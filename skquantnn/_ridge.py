"""The skip connection's ridge regression: its fit and how its penalty is chosen.

The skip connection is the ridge regression::

    min_{W, c}  sum_i w_i ||y_i - x_i W - c||^2 + alpha ||W||^2

of the standardised target on the inputs. Its penalty ``alpha = penalty * sum(w)``
is chosen from :data:`RIDGE_PENALTIES` by cross-validation:

- :func:`ridge_loo`, exact leave-one-out error in closed form (as scikit-learn's
  ``RidgeCV``), for rows that are single observations in time;
- :func:`ridge_date_folds`, for a panel (many assets per date): K folds of whole,
  consecutive dates. Leaving out one row of a panel leaves its date's other rows
  in, and those share the date's market shock, so leave-one-out would reward
  fitting the shocks (a factor's realised premium over the training dates, say).

Either choice is then held to a floor, :func:`prior_floor`: the penalty of a prior
``W_jk ~ N(0, prior_variance)`` on each standardised coefficient,
``alpha >= sigma^2 / prior_variance`` with ``sigma^2`` the residual variance.
With many rows per feature the data outweigh it; on a few dozen rows it keeps a
regression on trending levels from forecasting far outside anything seen, which
cross-validation on those rows does not see coming. On a series, an input that is
the target's previous value (:func:`target_lags`) is exempt and keeps the
cross-validated penalty: the prior says that other variables explain little,
which persistence makes false of a series' own last value (Litterman's Minnesota
prior gives a series' own first lag a looser prior than other variables).
"""

import numpy as np

from skquantnn._panel import is_panel
from skquantnn._validation import SCALE_HINT

#: Ridge penalties tried, per unit of total sample weight: from almost least
#: squares (1e-6) to almost the mean (1e3), whatever the scale of the sample, for
#: inputs standardised to unit variance.
RIDGE_PENALTIES = np.logspace(-6, 3, 37)

#: Folds of whole dates for a panel's penalty.
DATE_FOLDS = 10

#: Correlation above which an input counts as the target's previous value.
TARGET_LAG_CORRELATION = 0.999


def _centre(X, Y, w):
    n_w = w.sum()
    x_mean, y_mean = w @ X / n_w, w @ Y / n_w
    return X - x_mean, Y - y_mean, x_mean, y_mean


def _gram(Xc, w):
    with np.errstate(over="ignore", invalid="ignore"):
        gram = (Xc * w[:, None]).T @ Xc
    if not np.isfinite(gram).all():
        raise ValueError(
            "The skip connection's ridge regression overflowed: the inputs are "
            f"too large. Please {SCALE_HINT}, or set skip_connection=False.")
    return gram


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
    w = np.ones(len(X)) if sample_weight is None else sample_weight.astype(np.float64)
    n_w = w.sum()
    Xc, Yc, x_mean, y_mean = _centre(X.astype(np.float64), Y.astype(np.float64), w)
    # the weighted Gram matrix's eigenvectors: only (n_features,)-sized pieces, no
    # (n_samples, n_features) factor beyond the centred X itself
    gram = _gram(Xc, w)
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


def ridge_solve(X, Y, alpha, sample_weight=None):
    """The ridge regression's coefficients and intercept for one penalty.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
    alpha : float or ndarray of shape (n_features,)
        Absolute penalty (not per unit of weight), or one per coefficient:
        ``sum_j alpha_j ||W_j||^2``.
    sample_weight : ndarray of shape (n_samples,) or None

    Returns
    -------
    coef : ndarray of shape (n_features, n_outputs), float64
    intercept : ndarray of shape (n_outputs,), float64
    """
    w = np.ones(len(X)) if sample_weight is None else sample_weight.astype(np.float64)
    Xc, Yc, x_mean, y_mean = _centre(X.astype(np.float64), Y.astype(np.float64), w)
    gram = _gram(Xc, w)
    penalty = np.diag(np.broadcast_to(np.asarray(alpha, dtype=np.float64), len(gram)))
    coef = np.linalg.solve(gram + penalty, (Xc * w[:, None]).T @ Yc)
    return coef, y_mean - x_mean @ coef


def ridge_date_folds(X, Y, dates, sample_weight=None, penalties=RIDGE_PENALTIES,
                     n_folds=DATE_FOLDS, gap=0):
    """The penalty whose fits on the other dates forecast each fold's dates: the
    largest within one standard error of the best (:func:`one_standard_error`).

    The distinct dates are cut into ``n_folds`` runs of consecutive dates; each
    run is left out in turn, with ``gap`` dates on either side of it (an
    embargo, for targets that overlap in time), the regression is fitted on the
    rest for every penalty at once (from the eigenvectors of the rest's centred
    Gram matrix, itself the whole Gram matrix less the left-out part) and its
    weighted squared error on the run is recorded.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
    dates : ndarray of int of shape (n_samples,)
        Date codes (0 for the first date); rows need not be sorted.
    sample_weight : ndarray of shape (n_samples,) or None
    penalties : ndarray of shape (n_alphas,)
        Per unit of total sample weight.
    n_folds : int
        At most this many runs; fewer with fewer distinct dates.
    gap : int
        Dates left out on either side of each run, not fitted on.

    Returns
    -------
    alpha : float
        The chosen absolute penalty.
    """
    w = np.ones(len(X)) if sample_weight is None else sample_weight.astype(np.float64)
    X, Y = X.astype(np.float64), Y.astype(np.float64)
    Xw = X * w[:, None]
    gram, cross = _gram(X, w), Xw.T @ Y
    sums_x, sums_y, total = w @ X, w @ Y, w.sum()
    distinct = np.unique(dates)
    fold_errors = []
    for run in np.array_split(distinct, min(n_folds, len(distinct))):
        out = np.isin(dates, run)
        first, last = np.searchsorted(distinct, [run[0], run[-1]])
        drop = np.isin(dates, distinct[max(first - gap, 0):last + gap + 1])
        w_in = total - w[drop].sum()
        if w_in <= 0:
            return float(penalties[-1] * total)
        x_mean = (sums_x - w[drop] @ X[drop]) / w_in
        y_mean = (sums_y - w[drop] @ Y[drop]) / w_in
        # the rest's centred Gram matrix and cross-products
        gram_in = gram - Xw[drop].T @ X[drop] - w_in * np.outer(x_mean, x_mean)
        cross_in = cross - Xw[drop].T @ Y[drop] - w_in * np.outer(x_mean, y_mean)
        d2, V = np.linalg.eigh(gram_in)
        d2 = np.maximum(d2, 0.0)
        P = (X[out] - x_mean) @ V                          # (n_out, n_features)
        B = V.T @ cross_in                                 # (n_features, n_outputs)
        # every penalty's forecasts of the run at once
        shrink = 1.0 / (d2[None, :] + penalties[:, None] * w_in)
        coefs = shrink[:, :, None] * B[None]               # in V's basis
        forecasts = np.tensordot(P, coefs, axes=([1], [1])) + y_mean  # (n, a, q)
        fold_errors.append(w[out] @ ((Y[out][:, None, :] - forecasts) ** 2).sum(axis=2))
    return float(penalties[one_standard_error(np.array(fold_errors))] * total)


def one_standard_error(fold_errors):
    """The largest penalty whose cross-validated error exceeds the least by at
    most one standard error (Breiman et al.'s rule, 1984; Hastie, Tibshirani and
    Friedman, section 7.10): the simplest fit the folds cannot tell from the best.

    The standard error is that of the difference from the best penalty's error,
    fold by fold: on a panel every fold's error moves with its dates' market
    shocks, which are common to all penalties and cancel in the difference.

    Parameters
    ----------
    fold_errors : ndarray of shape (n_folds, n_penalties)
        Each fold's squared error for each penalty, penalties increasing.

    Returns
    -------
    int
        The chosen penalty's index (the last one if no error is finite).
    """
    errors = fold_errors.sum(axis=0)
    if not np.isfinite(errors).any():
        return fold_errors.shape[1] - 1
    errors = np.where(np.isfinite(errors), errors, np.inf)
    best = int(np.argmin(errors))
    n_folds = len(fold_errors)
    if n_folds < 2:
        return best
    with np.errstate(invalid="ignore"):
        spread = np.std(fold_errors - fold_errors[:, [best]], axis=0, ddof=1)
    within = errors <= errors[best] + np.sqrt(n_folds) * np.nan_to_num(spread)
    return int(np.flatnonzero(within).max())


def prior_floor(X, Y, coef, intercept, sample_weight, prior_variance):
    """``sigma^2 / prior_variance``, the least penalty a prior allows.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
        Standardised target.
    coef, intercept : ndarray
        A fit whose residuals estimate ``sigma^2`` (averaged over outputs).
    sample_weight : ndarray of shape (n_samples,) or None
    prior_variance : float
        Variance of the prior on each standardised coefficient.

    Returns
    -------
    float
    """
    w = np.ones(len(X)) if sample_weight is None else sample_weight.astype(np.float64)
    residual = Y - X @ coef - intercept
    sigma2 = float(np.mean(w @ residual**2) / w.sum())
    return sigma2 / prior_variance


def target_lags(X, Y):
    """The inputs that are a target's previous value: the columns whose values on
    rows ``1..n-1`` correlate at more than 0.999 (in absolute value) with an
    output's on rows ``0..n-2``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
        Rows in time order, one per date.

    Returns
    -------
    ndarray of bool of shape (n_features,)
    """
    if len(X) < 3:
        return np.zeros(X.shape[1], dtype=bool)
    now = X[1:].astype(np.float64)
    before = Y[:-1].astype(np.float64)
    now, before = now - now.mean(axis=0), before - before.mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        corr = (now.T @ before) / np.sqrt(np.outer((now * now).sum(axis=0),
                                                   (before * before).sum(axis=0)))
    return (np.abs(np.nan_to_num(corr)) > TARGET_LAG_CORRELATION).any(axis=1)


def fit_skip(X, Y, sample_weight=None, dates=None, prior_variance=None, gap=0):
    """The skip connection: its penalty chosen by cross-validation, held to the
    prior's floor, and the regression fitted with it.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
        Standardised target.
    sample_weight : ndarray of shape (n_samples,) or None
    dates : ndarray of int of shape (n_samples,) or None
        Date codes. Where several rows share a date (a panel), the penalty is
        chosen by :func:`ridge_date_folds`, otherwise by :func:`ridge_loo`
        (unless ``gap > 0``).
    prior_variance : float or None
        See :func:`prior_floor`; None sets no floor.
    gap : int
        Rows (dates on a panel) whose targets overlap: with ``gap > 0`` a
        series' penalty is chosen as a panel's, on folds of consecutive rows
        each left out with ``gap`` rows on either side, instead of by
        leave-one-out, which overlapping targets flatter.

    Returns
    -------
    coef : ndarray of shape (n_features, n_outputs)
    intercept : ndarray of shape (n_outputs,)
    alpha : float
    """
    panel = is_panel(dates)
    if panel or gap > 0:
        codes = dates if panel else np.arange(len(X))
        alpha = ridge_date_folds(X, Y, codes, sample_weight, gap=gap)
        coef, intercept = ridge_solve(X, Y, alpha, sample_weight)
    else:
        coef, intercept, alpha = ridge_loo(X, Y, sample_weight)
    if prior_variance is not None:
        floor = prior_floor(X, Y, coef, intercept, sample_weight, prior_variance)
        if alpha < floor:
            penalties = np.full(X.shape[1], floor)
            if not panel:
                # a series' own previous value keeps the cross-validated penalty
                penalties[target_lags(X, Y)] = alpha
            alpha = floor
            coef, intercept = ridge_solve(X, Y, penalties, sample_weight)
    return coef.astype(X.dtype), intercept.astype(X.dtype), float(alpha)

