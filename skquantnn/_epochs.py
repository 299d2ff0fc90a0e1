"""The epochs of NumpyMLPRegressor's members (SGD, Adam): mini-batches, the
stopping rule, each member's own patience and epoch budget, and Ctrl-C.

A fit trains the members' flat parameters ``theta`` (one row per member) from a
``Start`` under frozen ``Settings`` (``_fit_state.py``), and hands back the
parameters, the optimizer and the ``History``, which the estimator commits only
when training ends: an exception leaves the previous fit untouched. One step's
loss and gradient are in ``_training.py``, L-BFGS in ``_lbfgs.py``.
"""

import time

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import gen_batches

from skquantnn._fit_state import History
from skquantnn._optimizers import AdamOptimizer, SGDOptimizer
from skquantnn._training import (
    KEPT,
    MemberRows,
    Workspace,
    clip_gradient,
    loss_and_gradient,
    validation_scores,
)
from skquantnn._validation import SCALE_HINT, clip_batch_size, diverged, warn_user

#: Rows of all members gathered at once when each member trains on its own rows.
GATHER_ROWS = 65_536


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

