"""One training step of NumpyMLPRegressor's members, and how held-out rows score
them: the loss and its gradient for every member at once (each on the same rows,
or on its own, :class:`MemberRows`), forecasts from flat parameters, R² on
held-out rows, and gradient clipping. The epochs that repeat the step (SGD,
Adam) are in ``_epochs.py``, L-BFGS in ``_lbfgs.py``.
"""

from dataclasses import dataclass

import numpy as np

from skquantnn._activations import LOSS_FUNCTIONS, weighted_mean_loss
from skquantnn._network import (
    Buffers,
    add_penalty_gradient,
    backward,
    forward,
    output_gradient,
    penalty,
)

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
