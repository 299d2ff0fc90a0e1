"""NumpyMLPRegressor's parts, how one fit makes them, and how they make one forecast,
in the target's own units::

    y_hat = mean + scale * (x @ W_skip + c_skip + w * avg_k net_k(h(x)))

``mean`` and ``scale`` standardise the target; the skip connection ``W_skip, c_skip``
is a ridge regression fitted in closed form (:func:`skquantnn._ridge.fit_skip`);
the hidden layers of every member ``net_k`` learn what it leaves from ``h(x)``,
the inputs that pass a screen for non-linear evidence
(:mod:`skquantnn._screening`), each encoded piecewise-linearly
(:class:`skquantnn._embedding.HiddenInputs`); their average enters with the weight
``w = 1 - shrinkage`` (:func:`shrinkage_weight`), judged on held-out rows, so a
network with no evidence of skill falls back to the linear forecast, and with no
skip connection, to the training mean. Several members are cross-fitted
(:mod:`skquantnn._cross_fit`): they stop on different held-out rows, and each
held-out row weighs the members that never trained on it.

A fit runs in two steps, because the network's first layer is as wide as what the
screen keeps: :func:`plan_fit` splits the rows, fits the linear part and chooses
the hidden layers' inputs; :func:`train_parts` trains the members, weighs them and
refits the skip connection on every row.
"""

from dataclasses import dataclass

import numpy as np

from skquantnn._cross_fit import (
    block_parts,
    check_watched_weights,
    held_out_forecast,
    tail_parts,
)
from skquantnn._embedding import HiddenInputs, quantile_edges
from skquantnn._epochs import train
from skquantnn._fit_state import History
from skquantnn._lbfgs import train_lbfgs
from skquantnn._panel import is_panel
from skquantnn._ridge import fit_skip
from skquantnn._screening import screen_features
from skquantnn._training import predict_flat
from skquantnn._validation import MIN_HELD_OUT_ROWS, SCALE_HINT, block_rows, split_rows

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


def shrinkage_weight(T, N, sample_weight=None, penalty=GAIN_PENALTY,
                     rows_per_observation=1):
    """Weight ``w`` in [0, 1] of the hidden layers' forecast ``N`` of ``T``, per
    output, judged on rows that took no part in training or stopping.

    The least-squares weight ``b = <N, T> / <N, N>`` (0 if negative) is shrunk
    like a positive-part James-Stein estimate: by the share of its fit gain
    ``G = b^2 <N, N>`` that chance alone would give, ``penalty`` residual
    variances per observation, so ``w = min(1, b * max(0, 1 - penalty * k * s^2 /
    G))`` with ``k = rows_per_observation``. Fewer than ``MIN_HELD_OUT_ROWS``
    observations (rows over ``k``) give ``w = 0``. Targets that overlap in time
    (sums over the next ``k`` periods) make ``k`` rows one observation's worth of
    evidence, and chance alone gives ``k`` times the gain.

    Parameters
    ----------
    T : ndarray of shape (n_samples, n_outputs)
        What the hidden layers should have forecast (the standardised target less
        the skip connection's forecast).
    N : ndarray of shape (n_samples, n_outputs)
        The members' average forecast.
    sample_weight : ndarray of shape (n_samples,) or None
    penalty : float
    rows_per_observation : int
        Consecutive rows that count as one observation (``validation_gap + 1``
        on a series).

    Returns
    -------
    ndarray of shape (n_outputs,)
    """
    n_outputs = T.shape[1]
    if len(T) / rows_per_observation < MIN_HELD_OUT_ROWS:
        return np.zeros(n_outputs)
    w = np.ones(len(T)) if sample_weight is None else sample_weight
    T, N = T.astype(np.float64), N.astype(np.float64)
    nn = w @ (N * N)
    with np.errstate(divide="ignore", invalid="ignore"):
        b = np.where(nn > 0, (w @ (N * T)) / nn, 0.0)
        b = np.maximum(b, 0.0)
        gain = b**2 * nn
        s2 = (w @ (T - b * N) ** 2) / w.sum()
        chance = penalty * rows_per_observation * s2
        kept = np.where(gain > 0, np.maximum(0.0, 1.0 - chance / gain), 0.0)
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
    def fit(cls, X, Y, sample_weight, *, standardize, skip, centre, dates=None,
            prior_variance=None, gap=0):
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
        if not skip:
            return part
        return part.refit(X, Y, sample_weight, dates, prior_variance, gap)

    @classmethod
    def of(cls, est):
        """The linear part a fitted estimator forecasts with (from its public
        attributes, so that nothing but arrays is stored)."""
        mean, scale = est.target_mean_, est.target_scale_
        coef = est.skip_coef_ / scale if est.skip_connection else None
        return cls(mean, scale, coef, (est.skip_intercept_ - mean) / scale,
                   est.skip_alpha_)

    def refit(self, X, Y, sample_weight, dates=None, prior_variance=None, gap=0):
        """The same scaling with the skip connection fitted on these rows
        (``gap``: see :func:`skquantnn._ridge.fit_skip`)."""
        coef, intercept, alpha = fit_skip(X, (Y - self.mean) / self.scale,
                                          sample_weight, dates, prior_variance, gap)
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


@dataclass
class FitPlan:
    """What :func:`plan_fit` decides before the members train.

    Attributes
    ----------
    train_rows : slice
    stop_rows, weigh_rows : slice or None
        Rows early stopping watches, and rows that weigh the members.
    linear : LinearPart
        Fitted on the training rows.
    target : ndarray of shape (n_samples, n_outputs)
        What the hidden layers learn, on every row.
    inputs : HiddenInputs
        What the hidden layers see.
    blocks : list of slice or None
        The blocks the members hold out (``cross_fit``), or None for the tail.
    panel : bool
        Several rows share a date.
    """

    train_rows: slice
    stop_rows: slice | None
    weigh_rows: slice | None
    linear: LinearPart
    target: np.ndarray
    inputs: HiddenInputs
    blocks: list | None = None
    panel: bool = False


def rows_per_observation(settings, panel):
    """Consecutive held-out rows that count as one observation when the networks
    are weighed: ``validation_gap + 1`` on a series (targets that overlap in
    time), 1 on a panel (whose held-out rows are whole dates)."""
    return 1 if panel else settings.validation_gap + 1


def choose_inputs(settings, X, T, sample_weight):
    """The hidden layers' inputs, from the training rows: the features that pass
    the screen (every feature without one) and their bin edges.

    Parameters
    ----------
    settings : Settings
    X : ndarray of shape (n_samples, n_features)
    T : ndarray of shape (n_samples, n_outputs)
        What the linear part leaves.
    sample_weight : ndarray of shape (n_samples,) or None

    Returns
    -------
    HiddenInputs
    """
    clip = HiddenInputs(soft_clip=settings.soft_clip)
    Xc = clip.clipped(X)
    features = None
    if settings.screening_level is not None:
        features = screen_features(Xc, T, settings.n_bins, settings.screening_level,
                                   settings.max_hidden_features, sample_weight)
    edges = None
    if settings.embedding is not None:
        chosen = Xc if features is None else Xc[:, features]
        edges = quantile_edges(chosen, settings.n_bins, sample_weight)
    return HiddenInputs(features, edges, settings.soft_clip)


def plan_fit(settings, X, Y, sample_weight, incremental, kept=None, inputs=None,
             dates=None):
    """Split the rows, fit the linear part on the training rows, and choose what
    the hidden layers see.

    Parameters
    ----------
    settings : Settings
    X : ndarray of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
    sample_weight : ndarray of shape (n_samples,) or None
    incremental : bool
        ``partial_fit``: one epoch on every row, nothing held out.
    kept : tuple ``(LinearPart, shrinkage)`` or None
        What a ``partial_fit`` after the first keeps from the first.
    inputs : HiddenInputs or None
        The inputs a warm start or a ``partial_fit`` keeps; None chooses them.
    dates : ndarray of shape (n_samples,), default=None
        A panel's non-decreasing date codes: held-out rows are whole dates, and
        the skip connection's penalty is chosen on folds of whole dates.

    Returns
    -------
    FitPlan
    """
    sw = sample_weight
    stochastic = settings.solver != "lbfgs" and not incremental
    stopping = settings.early_stopping if stochastic else False
    weighing = settings.shrinkage == "auto" and not incremental
    panel = is_panel(dates)
    train_rows, stop_rows, weigh_rows = split_rows(
        len(X), stopping, weighing, settings.validation_fraction,
        settings.validation_gap, dates)
    # "auto": blocks on a panel, and on a series whose tail is too short to weigh
    # the networks while all its rows are not
    short = (weighing and weigh_rows is None
             and len(X) / rows_per_observation(settings, panel) >= MIN_HELD_OUT_ROWS)
    by_blocks = settings.cross_fit == "blocks" or (settings.cross_fit == "auto" and (
        panel or short))
    blocks = None
    if by_blocks and stochastic and stopping is not False and settings.n_networks >= 2:
        blocks = block_rows(len(X), round(1 / settings.validation_fraction), dates,
                            settings.validation_gap, sw)
    if blocks is not None:
        train_rows, stop_rows, weigh_rows = slice(0, len(X)), None, None
    sw_train = None if sw is None else sw[train_rows]
    if kept is not None:
        linear = kept[0]     # partial_fit keeps the first call's
    else:
        linear = LinearPart.fit(
            X[train_rows], Y[train_rows], sw_train,
            standardize=settings.standardize_target, skip=settings.skip_connection,
            centre=settings.shrinkage is not None,
            dates=None if dates is None else dates[train_rows],
            prior_variance=settings.skip_prior_variance,
            gap=settings.validation_gap)
    T = linear.hidden_target(X, Y)
    if not np.isfinite(T).all():
        raise ValueError(
            "The target scaling or the skip connection overflowed: the inputs or "
            f"targets are too large to fit. {SCALE_HINT.capitalize()}. The "
            "estimator keeps the weights it had before this call.")
    if inputs is None:
        inputs = choose_inputs(settings, X[train_rows], T[train_rows], sw_train)
    return FitPlan(train_rows, stop_rows, weigh_rows, linear, T, inputs, blocks,
                   panel)


def train_parts(settings, net, start, plan, X, Y, sample_weight, rng, incremental,
                kept=None, dates=None):
    """Train the members on what the linear part leaves, weigh them, and refit the
    skip connection on every row.

    Parameters
    ----------
    settings : Settings
    net : Network
        Its first layer is as wide as ``plan.inputs`` makes the input.
    start : Start
        The members' starting parameters and what the fit continues.
    plan : FitPlan
    X : ndarray of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
    sample_weight : ndarray of shape (n_samples,) or None
    rng : numpy.random.RandomState
    incremental : bool
    kept : tuple ``(LinearPart, shrinkage)`` or None
    dates : ndarray of shape (n_samples,), default=None

    Returns
    -------
    theta : ndarray of shape (n_networks, n_params)
    optimizer : SGDOptimizer, AdamOptimizer or None
    history : History
    linear : LinearPart
    shrinkage : ndarray of shape (n_outputs,)
    """
    sw = sample_weight
    X_hidden = plan.inputs.transform(X)

    def rows(part):
        if part is None:
            return None
        return X_hidden[part], plan.target[part], None if sw is None else sw[part]

    n_outputs = Y.shape[1]
    linear = plan.linear
    if plan.blocks is not None:
        train_data, stopping, weighing, judges = block_parts(
            plan, rows, start.theta.shape[0], settings.validation_gap, dates)
    else:
        train_data = rows(plan.train_rows)
        stopping, weighing, judges = tail_parts(plan, rows, start.theta.shape[0])
    if X_hidden.shape[1] == 0:
        # nothing passed the screen: the hidden layers have nothing to learn
        theta, optimizer = start.theta, None
        history = (start.history or History()).watch(False, theta.shape[0])
        history.n_iter = 0
        shrinkage = np.ones(n_outputs)
    else:
        if settings.solver == "lbfgs":
            theta, history = train_lbfgs(settings, net, start, *rows(plan.train_rows))
            optimizer = None
        else:
            check_watched_weights(stopping)
            theta, optimizer, history = train(
                settings, net, start, train_data, stopping, rng, incremental)
        shrinkage = _shrinkage(settings, theta, net, weighing, n_outputs,
                               incremental, kept, judges,
                               rows_per_observation(settings, plan.panel))
    train_rows = plan.train_rows
    if settings.skip_connection and train_rows.stop - train_rows.start < len(X):
        # refit on every row: the held-out tail is the most recent past
        linear = linear.refit(X, Y, sw, dates, settings.skip_prior_variance,
                              settings.validation_gap)
    return theta, optimizer, history, linear, shrinkage


def _shrinkage(settings, theta, net, weigh, n_outputs, incremental, kept,
               judges=None, rows_per_observation=1):
    """The shrinkage of the members' forecast, per output (see the parameter);
    ``judges`` weighs each row by the members that never trained on it."""
    if settings.shrinkage is None:
        return np.zeros(n_outputs)
    if settings.shrinkage != "auto":
        return np.full(n_outputs, float(settings.shrinkage))
    if incremental:
        return np.zeros(n_outputs) if kept is None else kept[1]
    if weigh is None:
        return np.ones(n_outputs)    # too few rows to weigh the hidden layers
    X_w, T_w, sw_w = weigh
    if judges is None:
        N = predict_flat(theta, net, X_w).mean(axis=0)
    else:
        # each member forecasts only the rows it judges
        preds = np.zeros((len(theta),) + T_w.shape, dtype=T_w.dtype)
        for k, judged in enumerate(judges):
            preds[k, judged] = predict_flat(theta[k:k + 1], net, X_w[judged])[0]
        N = held_out_forecast(preds, judges)
    return 1.0 - shrinkage_weight(T_w, N, sw_w,
                                  rows_per_observation=rows_per_observation)
