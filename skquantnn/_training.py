"""Training of NumpyMLPRegressor's members: mini-batch epochs (SGD, Adam).

A fit trains the members' flat parameters ``theta`` (one row per member) from a
``Start`` under frozen ``Settings`` (``_fit_state.py``), and hands back the
parameters, the optimizer and the ``History``, which the estimator commits only
when training ends: an exception leaves the previous fit untouched. L-BFGS is in
``_lbfgs.py``.
"""

import time
from dataclasses import dataclass

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import gen_batches

from skquantnn._activations import LOSS_FUNCTIONS, weighted_mean_loss
from skquantnn._fit_state import History
from skquantnn._network import (
    Buffers,
    add_penalty_gradient,
    backward,
    forward,
    output_gradient,
    penalty,
)
from skquantnn._optimizers import AdamOptimizer, SGDOptimizer
from skquantnn._validation import SCALE_HINT, clip_batch_size, diverged, warn_user

#: Rows of all members gathered at once when each member trains on its own rows.
GATHER_ROWS = 65_536
KEPT = "The estimator keeps the weights it had before this call."


@dataclass
class MemberRows:
    """Training rows of which each member trains on its own subset (members that
    hold out a block, see :func:`skquantnn._cross_fit.block_parts`).

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
    sample_weight : ndarray of shape (n_samples,) or None
    rows : list of ndarray of int
        The rows each member trains on, one array per member.
    """

    X: np.ndarray
    Y: np.ndarray
    sample_weight: np.ndarray | None
    rows: list

    def epoch_order(self, rng, shuffle):
        """Each member's rows for one epoch, as many for every member: shuffled
        (one permutation per member), and a member with fewer rows than the most
        repeats its first ones to fill up.

        Returns
        -------
        ndarray of int of shape (n_members, n_rows)
        """
        longest = max(len(r) for r in self.rows)
        order = []
        for r in self.rows:
            r = r[rng.permutation(len(r))] if shuffle else r
            order.append(np.resize(r, longest))
        return np.stack(order)

    def keep(self, members):
        """The same rows for the members selected by ``members`` (a mask)."""
        rows = [r for r, kept in zip(self.rows, members, strict=True) if kept]
        return MemberRows(self.X, self.Y, self.sample_weight, rows)


class Workspace:
    """Parameter views and scratch buffers of one training run, made once.

    One network gets plain 2-D views (scikit-learn's shapes, the fastest
    products); several, views with a leading member axis.

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
        self.grad = np.zeros_like(theta)
        single = theta.shape[0] == 1
        self.lead = () if single else theta.shape[:1]
        self.coefs, self.intercepts = net.layout.unpack(theta[0] if single else theta)
        self.coef_grads, self.intercept_grads = net.layout.unpack(
            self.grad[0] if single else self.grad)
        self.buffers = Buffers(net.layout.layer_units, n_rows, theta.dtype,
                               lead=self.lead)


def loss_and_gradient(net, ws, X, Y, sample_weight=None, masks=None):
    """Mean loss plus penalty at ``ws.theta``, averaged over the members; each
    member's gradient of its own loss is left in its row of ``ws.grad``.

    Parameters
    ----------
    net : Network
    ws : Workspace
    X : ndarray of shape ([n_networks,] n_samples, n_features)
        The same rows for every member, or each member's own.
    Y : ndarray of shape ([n_networks,] n_samples, n_outputs)
    sample_weight : ndarray of shape ([n_networks,] n_samples) or None
    masks : list of ndarray of shape ([n_networks,] n_samples, n_units) or None
        Dropout masks of the hidden layers.

    Returns
    -------
    loss : float
    """
    n, n_outputs = Y.shape[-2:]
    n_networks = ws.theta.shape[0]
    H, D = forward(X, ws.coefs, ws.intercepts, net.activation, net.out_activation,
                   masks, ws.buffers)
    R = np.subtract(H[-1], Y, out=ws.buffers.deltas[-1][..., :n, :])
    if sample_weight is None:
        sw_sum = n
        # the sum of squares as one dot product: no (n, n_outputs) temporary
        loss = (float(np.dot(R.ravel(), R.ravel())) if net.loss == "squared_error"
                else float(LOSS_FUNCTIONS[net.loss](R, net.huber_delta).sum()))
        loss /= sw_sum * n_outputs
    elif sample_weight.ndim == 2:
        # each member's own weights (cross-fitted blocks): each its own mean
        total = sample_weight.sum(axis=1)
        sw_sum = np.where(total > 0, total, 1.0)
        pointwise = LOSS_FUNCTIONS[net.loss](R, net.huber_delta)
        loss = float((np.einsum("kn,kno->k", sample_weight, pointwise)
                      / (sw_sum * n_outputs)).sum())
    else:
        sw_sum = float(sample_weight.sum())
        pointwise = LOSS_FUNCTIONS[net.loss](R, net.huber_delta)
        loss = float(np.matmul(sample_weight, pointwise).sum())
        loss /= sw_sum * n_outputs
    dY = output_gradient(net.loss, R, sample_weight, sw_sum, net.huber_delta)
    backward(dY, H, D, ws.coefs, net.activation, net.out_activation, ws.coef_grads,
             ws.intercept_grads, masks, ws.buffers)
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


def validation_scores(theta, net, validation):
    """Each member's loss and R^2 on the rows it watches.

    Parameters
    ----------
    theta : ndarray of shape (n_networks, n_params)
    net : Network
    validation : tuple ``(X, Y, sample_weight)``, or list of ``(members, rows)``
        The same rows for every member, or ``rows = (X, Y, sample_weight)`` for
        the members indexed by ``members`` (an index array or slice), pair by
        pair (cross-fitted members, see :func:`skquantnn._cross_fit.cross_fit_rows`).

    Returns
    -------
    losses, scores : ndarray of shape (n_networks,)
    """
    parts = validation if isinstance(validation, list) else [(slice(None), validation)]
    losses, scores = np.empty(len(theta)), np.empty(len(theta))
    for members, (X, Y, sample_weight) in parts:
        preds = predict_flat(theta[members], net, X)
        losses[members] = weighted_mean_loss(net.loss, preds, Y, sample_weight,
                                             net.huber_delta)
        scores[members] = r2_scores(Y, preds, sample_weight)
    return losses, scores


def clip_gradient(grad, clipnorm):
    """Rescale each member's gradient (row) whose L2 norm exceeds ``clipnorm``."""
    norms = np.sqrt(np.einsum("ij,ij->i", grad, grad))
    too_long = norms > clipnorm
    if too_long.any():
        grad[too_long] *= (clipnorm / norms[too_long])[:, None]


def make_optimizer(settings, theta):
    """A new optimizer of ``settings.solver`` for parameters shaped like ``theta``."""
    if settings.solver == "sgd":
        return SGDOptimizer(theta, settings.learning_rate_init, settings.learning_rate,
                            settings.momentum, settings.nesterovs_momentum,
                            settings.power_t)
    return AdamOptimizer(theta, settings.learning_rate_init, settings.beta_1,
                         settings.beta_2, settings.epsilon)


class EpochLoop:
    """Mini-batch training of the members' parameters, in place: the chain
    ``run -> epoch -> step`` of scikit-learn's ``_fit_stochastic``.

    Parameters
    ----------
    settings : Settings
    net : Network
    theta : ndarray of shape (n_networks, n_params)
        Trained in place.
    optimizer : SGDOptimizer or AdamOptimizer
    history : History
        Updated in place.
    rng : numpy.random.RandomState
        Shuffling, and the seed of the dropout masks.
    batch_size : int
    """

    def __init__(self, settings, net, theta, optimizer, history, rng, batch_size):
        self.settings, self.net = settings, net
        self.optimizer, self.history, self.rng = optimizer, history, rng
        self.batch_size = batch_size
        self.keep = 1.0 - settings.dropout
        self.generator = None
        if self.keep < 1:  # drawn only when needed, so shuffling matches sklearn's
            self.generator = np.random.default_rng(
                rng.randint(np.iinfo(np.int32).max))
        #: the members still training (indices into the history's arrays)
        self.active = np.arange(len(theta))
        self._train_on(theta)

    def _train_on(self, theta):
        """Make ``theta`` the parameters trained, with buffers to match."""
        self.theta = theta
        self.ws = Workspace(self.net, theta, self.batch_size)
        self.masks = None
        if self.generator is not None:
            self.masks = [np.empty(self.ws.lead + (self.batch_size, u),
                                   dtype=theta.dtype)
                          for u in self.net.layout.layer_units[1:-1]]

    def run(self, data, validation, max_epochs, budget=None):
        """Up to ``max_epochs`` epochs over ``data``; True when the stopping rule
        (or the budget) ended them.

        Parameters
        ----------
        data : tuple ``(X, Y, sample_weight)`` or MemberRows
            Training rows, in the order given, the same for every member or
            each member's own.
        validation : tuple ``(X, Y, sample_weight)``, list or None
            Held-out rows early stopping watches (see :func:`validation_scores`).
        max_epochs : int
        budget : ndarray of int of shape (n_networks,) or None
            Epochs each member trains, instead of the stopping rule: a member
            leaves the run after its last one, its weights in ``self.finished``.
        """
        history, settings = self.history, self.settings
        if budget is not None:
            self.finished = np.empty_like(self.theta)
        order = np.arange(len(data[0])) if isinstance(data, tuple) else None
        watched = validation                # every member's held-out rows
        for _ in range(max_epochs):
            started = time.perf_counter()
            if order is None:
                epoch_loss, n_rows = self.member_epoch(data)
            else:
                if settings.shuffle:
                    # Permute the previous order, as scikit-learn does, so that the
                    # same random_state visits rows in the same order as
                    # MLPRegressor.
                    order = order[self.rng.permutation(len(order))]
                    X, Y, sw = data
                    rows = (X[order], Y[order], None if sw is None else sw[order])
                else:
                    rows = data
                epoch_loss, n_rows = self.epoch(*rows), len(order)
            history.n_iter += 1
            history.t += n_rows
            if not np.isfinite(epoch_loss):
                raise diverged(epoch_loss, history.n_iter,
                               f"Lower 'learning_rate_init', {SCALE_HINT}, or set "
                               f"'global_clipnorm'. {KEPT}")
            history.loss = epoch_loss
            history.loss_curve.append(epoch_loss)
            self.end_epoch(validation, started)
            self.optimizer.iteration_ends(history.t)
            if budget is not None:
                done = budget[self.active] <= history.n_iter
                self.finished[self.active[done]] = self.theta[done]
                if done.all():
                    return True
                if done.any():
                    data, validation = self.retire(done, data, watched)
                continue
            counts = history.no_improvement_count
            stalled = (counts[self.active] if np.ndim(counts) else np.array([counts])
                       ) > settings.n_iter_no_change
            if stalled.all():
                what = ("Validation score" if validation is not None
                        else "Training loss")
                msg = (f"{what} did not improve more than tol={settings.tol:f} for "
                       f"{settings.n_iter_no_change} consecutive epochs.")
                if self.optimizer.trigger_stopping(msg, settings.verbose):
                    return True
                history.no_improvement_count = 0
            elif stalled.any() and self.optimizer.stops_on_plateau:
                data, validation = self.retire(stalled, data, watched)
        return False

    def retire(self, stalled, data, validation):
        """Stop training the members that have stopped improving (their best
        weights are kept in the history); the others go on exactly as before.

        Parameters
        ----------
        stalled : ndarray of bool of shape (n_active,)
        data : tuple ``(X, Y, sample_weight)`` or MemberRows
        validation : tuple, list or None
            Every member's held-out rows, as :meth:`run` got them.

        Returns
        -------
        data, validation
            For the members still training.
        """
        going_on = ~stalled
        self.active = self.active[going_on]
        self.optimizer.keep_rows(going_on)
        self._train_on(np.ascontiguousarray(self.theta[going_on]))
        if isinstance(data, MemberRows):
            data = data.keep(going_on)
        if isinstance(validation, list):
            validation = [(np.flatnonzero(np.isin(self.active, members)), rows)
                          for members, rows in validation]
            validation = [(members, rows) for members, rows in validation
                          if len(members)]
        return data, validation

    def member_epoch(self, data):
        """One pass over each member's own rows (as many for each) in batches,
        each member's rows gathered a chunk of batches at a time; the mean
        training loss and the rows each member saw."""
        order = data.epoch_order(self.rng, self.settings.shuffle)
        n_members, n_rows = order.shape
        if n_members == 1:              # one member: plain 2-D batches
            order = order[0]
        sw = data.sample_weight
        accumulated = 0.0
        chunk = self.batch_size * max(1, GATHER_ROWS // (self.batch_size * n_members))
        for start in range(0, n_rows, chunk):
            rows = order[..., start:start + chunk]
            X, Y = data.X[rows], data.Y[rows]
            weights = None if sw is None else sw[rows]
            for batch in gen_batches(rows.shape[-1], self.batch_size):
                batch_sw = None if weights is None else weights[..., batch]
                if batch_sw is not None and not batch_sw.sum() > 0:
                    continue
                loss = self.step(X[..., batch, :], Y[..., batch, :], batch_sw)
                accumulated += loss * (batch.stop - batch.start)
        return accumulated / n_rows, n_rows

    def epoch(self, X, Y, sample_weight):
        """One pass over the rows in batches; the mean training loss."""
        accumulated = 0.0
        for batch in gen_batches(len(X), self.batch_size):
            sw = None if sample_weight is None else sample_weight[batch]
            if sw is not None and not sw.sum() > 0:
                continue  # all weights zero: this batch carries no information
            loss = self.step(X[batch], Y[batch], sw)
            accumulated += loss * (batch.stop - batch.start)
        return accumulated / len(X)

    def step(self, X, Y, sample_weight):
        """One gradient step on a batch; its loss before the step."""
        masks = None
        if self.masks is not None:
            masks = [_dropout_mask(self.generator, M, self.keep) for M in self.masks]
        loss = loss_and_gradient(self.net, self.ws, X, Y, sample_weight, masks)
        if self.settings.global_clipnorm is not None:
            clip_gradient(self.ws.grad, self.settings.global_clipnorm)
        self.optimizer.update_params(self.theta, self.ws.grad)
        return loss

    def end_epoch(self, validation, started):
        """Validation metrics, the stopping rule's counters, the verbose line."""
        history, settings = self.history, self.settings
        line = f"Iteration {history.n_iter}, loss = {history.loss_curve[-1]:.8f}"
        if validation is not None:
            losses, scores = validation_scores(self.theta, self.net, validation)
            val_loss = float(np.mean(losses))
            history.validation_loss_curve.append(val_loss)
            history.validation_scores.append(float(np.mean(scores)))
            # Each member keeps its own best epoch and its own patience counter.
            active = self.active
            best = history.best_validation_score[active]
            counts = np.broadcast_to(history.no_improvement_count,
                                     history.best_validation_score.shape).copy()
            counts[active] = np.where(scores < best + settings.tol,
                                      counts[active] + 1, 0)
            history.no_improvement_count = counts
            better = scores > best
            history.best_theta[active[better]] = self.theta[better]
            history.best_epoch[active[better]] = history.n_iter
            history.best_validation_score[active[better]] = scores[better]
            line += (f", validation loss = {val_loss:.8f}, validation R^2 = "
                     f"{history.validation_scores[-1]:.6f}")
        else:
            if history.loss_curve[-1] > history.best_loss - settings.tol:
                history.no_improvement_count += 1
            else:
                history.no_improvement_count = 0
            history.best_loss = min(history.best_loss, history.loss_curve[-1])
        if settings.verbose:
            print(f"{line}, time = {time.perf_counter() - started:.3f}s")


def _dropout_mask(generator, M, keep):
    """Fill ``M`` with ``1/keep`` where a unit is kept and ``0`` elsewhere."""
    generator.random(out=M, dtype=M.dtype)
    np.less(M, keep, out=M)
    M *= 1.0 / keep
    return M


def train(settings, net, start, data, validation, rng, incremental):
    """Run the stochastic solver from ``start``: ``settings.max_iter`` epochs (one
    for ``partial_fit``), or fewer when the stopping rule or Ctrl-C ends them.

    Parameters
    ----------
    settings : Settings
    net : Network
    start : Start
    data : tuple ``(X, Y, sample_weight)`` or MemberRows
        Training rows, in time order, the same for every member or each
        member's own.
    validation : tuple ``(X, Y, sample_weight)``, list or None
        The rows early stopping watches, the same for every member or each
        member's own (see :func:`validation_scores`).
    rng : numpy.random.RandomState
    incremental : bool
        One epoch, no convergence warning (``partial_fit``).

    Returns
    -------
    theta : ndarray of shape (n_networks, n_params)
        The trained parameters (each member's best ones, with early stopping).
    optimizer : SGDOptimizer or AdamOptimizer
    history : History
    """
    theta = start.theta
    watching = validation is not None
    history = start.history or History()
    history.watch(watching, theta.shape[0])
    history.n_iter = 0                      # scikit-learn counts each call's epochs
    optimizer = start.optimizer or make_optimizer(settings, theta)
    if watching:
        # the starting weights are the previous fit's best, or the first epoch's
        history.best_theta = theta.copy()
        history.best_epoch = np.zeros(len(theta), dtype=int)
    n_rows = (len(data[0]) if isinstance(data, tuple)
              else min(len(r) for r in data.rows))
    loop = EpochLoop(settings, net, theta, optimizer, history, rng,
                     clip_batch_size(settings.batch_size, n_rows))
    try:
        stopped = loop.run(data, validation, 1 if incremental else settings.max_iter)
    except KeyboardInterrupt:
        # as scikit-learn: keep what the epochs so far learned
        warn_user("Training interrupted by user.")
        stopped = history.interrupted = True
    if not (stopped or incremental):
        warn_user(f"Stochastic Optimizer: Maximum iterations ({settings.max_iter}) "
                  "reached and the optimization hasn't converged yet.",
                  ConvergenceWarning)
    if watching:
        theta = history.best_theta
    history.best_theta = None
    return theta, optimizer, history

