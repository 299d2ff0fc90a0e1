"""Training loops of NumpyMLPRegressor: stochastic epochs and L-BFGS.

Each loop works on a copy of the parameters and a :class:`History` and only hands
them back when it ends, so the estimator can commit a fit or, when it raises, keep
its previous weights untouched.
"""

import copy
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import scipy.optimize
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import gen_batches

from skquantnn._activations import LOSS_FUNCTIONS, weighted_mean_loss
from skquantnn._network import (
    add_penalty_gradient,
    allocate_buffers,
    backward,
    forward,
    output_gradient,
    penalty,
)
from skquantnn._optimizers import AdamOptimizer, SGDOptimizer
from skquantnn._validation import SCALE_HINT, diverged

KEPT = "The estimator keeps the weights it had before this call."


@dataclass
class Network:
    """What one training run needs to know about the network and its penalty."""

    layout: object
    activation: str
    out_activation: str
    loss: str
    huber_delta: float
    alpha: float
    l1_alpha: float


@dataclass
class History:
    """Per-epoch record and stopping-rule state, carried across ``partial_fit``."""

    loss_curve: list = field(default_factory=list)
    validation_scores: list | None = None
    validation_loss_curve: list | None = None
    best_loss: float | None = np.inf
    best_validation_score: np.ndarray | float | None = None
    no_improvement_count: np.ndarray | int = 0
    n_iter: int = 0
    t: int = 0
    best_theta: np.ndarray | None = None

    @classmethod
    def fresh(cls, early_stopping):
        """An empty history for a first fit."""
        if early_stopping:
            return cls(validation_scores=[], validation_loss_curve=[], best_loss=None,
                       best_validation_score=-np.inf)
        return cls()

    @classmethod
    def resume(cls, est, early_stopping):
        """A history continuing the fitted estimator's, as copies."""
        history = cls.fresh(early_stopping)
        history.loss_curve = list(est.loss_curve_ or [])
        history.t = est.t_
        history.n_iter = est.n_iter_
        history.no_improvement_count = copy.copy(
            getattr(est, "_no_improvement_count", 0))
        if early_stopping and est.validation_scores_ is not None:
            history.validation_scores = list(est.validation_scores_)
            history.validation_loss_curve = list(est.validation_loss_curve_)
            history.best_validation_score = np.array(
                getattr(est, "_member_best_scores", est.best_validation_score_))
        elif not early_stopping and est.best_loss_ is not None:
            history.best_loss = est.best_loss_
        return history


class Workspace:
    """Parameter views and scratch buffers of one training run, made once.

    Parameters
    ----------
    net : Network
    theta : ndarray of shape (n_networks, n_params)
        The flat parameters of every member; ``coefs`` and ``intercepts`` are
        views into it, so it must be updated in place.
    n_rows : int
        Largest number of rows passed to :func:`loss_and_gradient`.
    """

    def __init__(self, net, theta, n_rows):
        self.theta = theta
        self.grad = np.empty_like(theta)
        self.coefs, self.intercepts = net.layout.unpack(theta)
        self.coef_grads, self.intercept_grads = net.layout.unpack(self.grad)
        self.H, self.D, self.deltas = allocate_buffers(
            net.layout.layer_units, n_rows, theta.dtype, lead=theta.shape[:1])


def loss_and_gradient(net, ws, X, Y, sample_weight=None, masks=None):
    """Mean loss plus penalty at ``ws.theta``, averaged over the members; each
    member's gradient of its own loss is left in its row of ``ws.grad``.

    Parameters
    ----------
    net : Network
    ws : Workspace
    X : ndarray of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
    sample_weight : ndarray of shape (n_samples,) or None
    masks : list of ndarray of shape (n_networks, n_samples, n_units) or None
        Dropout masks of the hidden layers.

    Returns
    -------
    loss : float
    """
    n, n_outputs = Y.shape
    n_networks = ws.theta.shape[0]
    H, D = forward(X, ws.coefs, ws.intercepts, net.activation, net.out_activation,
                   masks, (ws.H, ws.D))
    R = np.subtract(H[-1], Y, out=ws.deltas[-1][:, :n])
    pointwise = LOSS_FUNCTIONS[net.loss](R, net.huber_delta)
    if sample_weight is None:
        sw_sum = n
        loss = float(pointwise.sum())
    else:
        sw_sum = float(sample_weight.sum())
        loss = float(np.matmul(sample_weight, pointwise).sum())
    loss /= sw_sum * n_outputs
    dY = output_gradient(net.loss, R, sample_weight, sw_sum, net.huber_delta)
    backward(dY, H, D, ws.coefs, net.activation, net.out_activation, ws.coef_grads,
             ws.intercept_grads, masks, ws.deltas)
    if net.alpha or net.l1_alpha:
        n_coefs = net.layout.n_coefs
        loss += penalty(ws.theta[:, :n_coefs], net.alpha, net.l1_alpha, sw_sum)
        add_penalty_gradient(ws.grad[:, :n_coefs], ws.theta[:, :n_coefs], net.alpha,
                             net.l1_alpha, sw_sum)
    return loss / n_networks


def predict_flat(theta, net, X):
    """Every member's output for ``X``, no dropout.

    Returns
    -------
    ndarray of shape (n_networks, n_samples, n_outputs)
    """
    coefs, intercepts = net.layout.unpack(theta)
    return forward(X, coefs, intercepts, net.activation, net.out_activation)[0][-1]


def _dropout_masks(generator, buffers, keep):
    """Fill each buffer with ``1/keep`` where a unit is kept and ``0`` elsewhere."""
    for M in buffers:
        generator.random(out=M, dtype=M.dtype)
        np.less(M, keep, out=M)
        M *= 1.0 / keep
    return buffers


def run_epochs(est, theta, net, optimizer, history, data, validation, rng,
               batch_size, max_epochs):
    """Train ``theta`` in place for up to ``max_epochs`` epochs of mini-batches.

    Parameters
    ----------
    est : NumpyMLPRegressor
        Source of the hyper-parameters (read only).
    theta : ndarray of shape (n_params,)
    net : Network
    optimizer : SGDOptimizer or AdamOptimizer
    history : History
        Updated in place.
    data : tuple ``(X, Y, sample_weight)``
        Training rows, in the order given.
    validation : tuple ``(X, Y, sample_weight)`` or None
        Held-out rows for early stopping.
    rng : numpy.random.RandomState
        Shuffling and dropout masks.
    batch_size : int
    max_epochs : int
    """
    X, Y, sw = data
    n_samples = X.shape[0]
    ws = Workspace(net, theta, batch_size)
    batches = list(gen_batches(n_samples, batch_size))
    keep = 1.0 - est.dropout
    hidden = net.layout.layer_units[1:-1]
    lead = theta.shape[:1]
    mask_buffers = [np.empty(lead + (batch_size, u), dtype=X.dtype) for u in hidden]
    if keep < 1:  # drawn only when needed, so shuffling matches scikit-learn's
        generator = np.random.default_rng(rng.randint(np.iinfo(np.int32).max))
    if est.shuffle:
        X_epoch, Y_epoch = np.empty_like(X), np.empty_like(Y)
        order = np.arange(n_samples)
        sw_epoch = None if sw is None else np.empty_like(sw)
    for _ in range(max_epochs):
        started = time.perf_counter()
        if est.shuffle:
            # Permute the previous order, as scikit-learn does, so that the same
            # random_state visits rows in the same order as MLPRegressor.
            order = order[rng.permutation(n_samples)]
            np.take(X, order, axis=0, out=X_epoch)
            np.take(Y, order, axis=0, out=Y_epoch)
            if sw is not None:
                np.take(sw, order, out=sw_epoch)
        else:
            X_epoch, Y_epoch, sw_epoch = X, Y, sw
        accumulated = 0.0
        for batch in batches:
            sw_batch = None if sw is None else sw_epoch[batch]
            if sw_batch is not None and not sw_batch.sum() > 0:
                continue  # all weights zero: this batch carries no information
            masks = _dropout_masks(generator, mask_buffers, keep) if keep < 1 else None
            batch_loss = loss_and_gradient(
                net, ws, X_epoch[batch], Y_epoch[batch], sw_batch, masks)
            if est.global_clipnorm is not None:
                clip_gradient(ws.grad, est.global_clipnorm)
            optimizer.update_params(theta, ws.grad)
            accumulated += batch_loss * (batch.stop - batch.start)
        epoch_loss = accumulated / n_samples
        history.n_iter += 1
        history.t += n_samples
        if not np.isfinite(epoch_loss):
            raise diverged(epoch_loss, history.n_iter,
                           f"Lower 'learning_rate_init', {SCALE_HINT}, or set "
                           f"'global_clipnorm'. {KEPT}")
        history.loss_curve.append(epoch_loss)
        _end_epoch(est, theta, net, history, validation, started)
        optimizer.iteration_ends(history.t)
        if np.min(history.no_improvement_count) > est.n_iter_no_change:
            what = "Validation score" if validation is not None else "Training loss"
            msg = (f"{what} did not improve more than tol={est.tol:f} for "
                   f"{est.n_iter_no_change} consecutive epochs.")
            if optimizer.trigger_stopping(msg, est.verbose):
                return True
            history.no_improvement_count = 0
    return False


def r2_scores(Y, preds, sample_weight=None):
    """Each member's R^2 (scikit-learn's ``r2_score``, averaged over outputs).

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_outputs)
    preds : ndarray of shape (n_networks, n_samples, n_outputs)
    sample_weight : ndarray of shape (n_samples,) or None

    Returns
    -------
    ndarray of shape (n_networks,)
        ``-inf`` for a member whose forecasts are not finite.
    """
    w = np.ones(len(Y)) if sample_weight is None else sample_weight
    sse = np.einsum("n,kno->ko", w, (preds - Y) ** 2)
    sst = w @ (Y - np.average(Y, axis=0, weights=w)) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        # as r2_score: a constant target scores 1 if hit exactly, 0 otherwise
        r2 = np.where(sst > 0, 1 - sse / sst, np.where(sse == 0, 1.0, 0.0))
    scores = r2.mean(axis=1)
    return np.where(np.isfinite(preds).all(axis=(1, 2)), scores, -np.inf)


def clip_gradient(grad, clipnorm):
    """Rescale each member's gradient (row) whose L2 norm exceeds ``clipnorm``."""
    norms = np.sqrt(np.einsum("ij,ij->i", grad, grad))
    too_long = norms > clipnorm
    if too_long.any():
        grad[too_long] *= (clipnorm / norms[too_long])[:, None]


def _end_epoch(est, theta, net, history, validation, started):
    """Validation metrics, the stopping rule's counters, and the verbose line."""
    line = f"Iteration {history.n_iter}, loss = {history.loss_curve[-1]:.8f}"
    if validation is not None:
        X_val, Y_val, sw_val = validation
        preds = predict_flat(theta, net, X_val)
        val_loss = float(np.mean(
            weighted_mean_loss(net.loss, preds, Y_val, sw_val, net.huber_delta)))
        scores = r2_scores(Y_val, preds, sw_val)
        history.validation_loss_curve.append(val_loss)
        history.validation_scores.append(float(np.mean(scores)))
        # Each member keeps its own best epoch and its own patience counter.
        stalled = scores < history.best_validation_score + est.tol
        history.no_improvement_count = np.where(
            stalled, history.no_improvement_count + 1, 0)
        better = scores > history.best_validation_score
        if history.best_theta is None:
            history.best_theta = theta.copy()
        history.best_theta[better] = theta[better]
        history.best_validation_score = np.where(
            better, scores, history.best_validation_score)
        line += (f", validation loss = {val_loss:.8f}, validation R^2 = "
                 f"{history.validation_scores[-1]:.6f}")
    else:
        if history.loss_curve[-1] > history.best_loss - est.tol:
            history.no_improvement_count += 1
        else:
            history.no_improvement_count = 0
        history.best_loss = min(history.best_loss, history.loss_curve[-1])
    if est.verbose:
        print(f"{line}, time = {time.perf_counter() - started:.3f}s")


def train(est, theta, net, data, validation, rng, first_pass, incremental):
    """Run ``est``'s solver from ``theta`` on copies of the training state.

    Parameters
    ----------
    est : NumpyMLPRegressor
    theta : ndarray of shape (n_networks, n_params)
    net : Network
    data : tuple ``(X, Y, sample_weight)``
        Training rows, in time order.
    validation : tuple ``(X, Y, sample_weight)`` or None
        The rows early stopping watches (stochastic solvers).
    rng : numpy.random.RandomState
    first_pass, incremental : bool

    Returns
    -------
    theta : ndarray of shape (n_networks, n_params)
        The trained parameters (each member's best ones, with early stopping).
    optimizer : SGDOptimizer, AdamOptimizer or None
    history : History
    """
    if est.solver == "lbfgs":
        theta, history = run_lbfgs(est, theta, net, *data)
        return theta, None, history
    # Weights set by hand on an unfitted estimator have no history to continue.
    continuing = not first_pass and hasattr(est, "t_")
    watching = validation is not None
    history = (History.resume(est, watching) if continuing
               else History.fresh(watching))
    previous = getattr(est, "_optimizer", None)
    if incremental and continuing and previous is not None and previous.accepts(theta):
        optimizer = copy.deepcopy(previous)
    elif est.solver == "sgd":
        optimizer = SGDOptimizer(theta, est.learning_rate_init, est.learning_rate,
                                 est.momentum, est.nesterovs_momentum, est.power_t)
    else:
        optimizer = AdamOptimizer(theta, est.learning_rate_init, est.beta_1,
                                  est.beta_2, est.epsilon)
    if watching:
        history.best_theta = theta.copy() if continuing else None
    n_train = len(data[0])
    batch_size = (min(200, n_train) if est.batch_size == "auto"
                  else min(est.batch_size, n_train))
    stopped = run_epochs(est, theta, net, optimizer, history, data, validation, rng,
                         batch_size, 1 if incremental else est.max_iter)
    if not (stopped or incremental):
        warnings.warn(
            f"Stochastic Optimizer: Maximum iterations ({est.max_iter}) reached and "
            "the optimization hasn't converged yet.",
            ConvergenceWarning,
            stacklevel=5,  # train <- _fit <- fit <- _fit_context <- caller
        )
    if history.best_theta is not None:
        theta = history.best_theta
    return theta, optimizer, history


def run_lbfgs(est, theta, net, X, Y, sw):
    """Minimise the full-batch loss with SciPy's L-BFGS-B and the analytic gradient.

    Returns
    -------
    theta : ndarray of shape (n_params,)
        The solution.
    history : History
        ``loss_curve`` holds the loss after each L-BFGS iteration.
    """
    history = History()
    ws = Workspace(net, theta.astype(np.float64), len(X))
    n_networks = theta.shape[0]

    def fun(x):
        # The members are independent: minimising the sum of their losses
        # minimises each one.
        ws.theta[:] = x.reshape(ws.theta.shape)
        loss = loss_and_gradient(net, ws, X, Y, sw) * n_networks
        return loss, ws.grad.ravel().copy()

    def record(intermediate_result):
        history.loss_curve.append(float(intermediate_result.fun) / n_networks)
        if est.verbose:
            print(f"Iteration {len(history.loss_curve)}, "
                  f"loss = {history.loss_curve[-1]:.8f}")

    result = scipy.optimize.minimize(
        fun, ws.theta.ravel().copy(), method="L-BFGS-B", jac=True,
        callback=record,
        options={"maxfun": est.max_fun, "maxiter": est.max_iter, "gtol": est.tol},
    )
    if not np.isfinite(result.fun):
        raise diverged(result.fun, result.nit,
                       f"{SCALE_HINT.capitalize()} or raise 'alpha'. {KEPT}")
    if result.status != 0:
        warnings.warn(
            f"lbfgs failed to converge after {result.nit} iteration(s) "
            f"({result.message}). Increase 'max_iter' or 'max_fun', or scale the "
            "data.",
            ConvergenceWarning,
            stacklevel=3,
        )
    history.n_iter = int(result.nit)
    history.best_loss = float(result.fun) / n_networks
    return result.x.reshape(theta.shape).astype(theta.dtype, copy=False), history
