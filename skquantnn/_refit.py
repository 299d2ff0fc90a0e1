"""The networks refitted on every row, once early stopping has chosen how long
each one trains (the ``refit`` parameter).

With the tail scheme (``cross_fit="tail"``, a series' default) the newest
``validation_fraction`` of the rows stop the networks and weigh them, and train
none of them. On a series those rows are the most recent past, which matters most
when the relation drifts (a season, a regime); on a series cut into blocks (too
short for its tail to weigh the networks), each network has not trained on a
fifth of a short sample. Once they have served, the fit
draws the networks anew and trains each one on every row for the epochs early
stopping chose for it (its best epoch), from the inputs screened and encoded on
every row, on what the linear part, refitted on every row, leaves. The weight
``1 - shrinkage`` chosen on the held-out rows is kept: it judged networks of the
same kind, trained as long, on the rows before them.
"""

import numpy as np

from skquantnn._combine import choose_inputs
from skquantnn._epochs import EpochLoop, make_optimizer
from skquantnn._fit_state import History
from skquantnn._network import init_members
from skquantnn._validation import clip_batch_size, warn_user


def refit_epochs(settings, plan, history, shrinkage, n_rows, *, first_pass,
                 incremental):
    """The epochs each network trains in the refit, or None when there is none.

    Parameters
    ----------
    settings : Settings
    plan : FitPlan
    history : History
        The early-stopped training's record.
    shrinkage : ndarray of shape (n_outputs,)
    n_rows : int
        Rows of the fit.
    first_pass, incremental : bool
        A warm start or ``partial_fit`` continues the networks it has instead.

    Returns
    -------
    ndarray of int of shape (n_networks,) or None
        Each network's best epoch with early stopping (at least 1), or the epochs
        all of them ran when nothing stopped early.
    """
    if settings.refit is False or incremental or not first_pass or history.interrupted:
        return None
    if settings.solver == "lbfgs" or history.n_iter == 0 or np.all(shrinkage >= 1):
        return None                 # no training to repeat, or a weight of 0
    if plan.blocks is not None:
        if settings.refit == "auto" and plan.panel:
            return None             # every date trains most networks already
    elif plan.train_rows.stop - plan.train_rows.start == n_rows:
        return None                 # nothing was held out
    if history.best_epoch is None:
        return np.full(settings.n_networks, history.n_iter)
    return np.maximum(history.best_epoch, 1)


def refit_members(settings, X, Y, sample_weight, linear, epochs, make_network,
                  hidden_layer_sizes, rng, zero_output):
    """Draw the networks anew and train each on every row for its epochs.

    Parameters
    ----------
    settings : Settings
    X : ndarray of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
    sample_weight : ndarray of shape (n_samples,) or None
    linear : LinearPart
        The linear part the forecast uses (refitted on every row).
    epochs : ndarray of int of shape (n_networks,)
    make_network : callable
        The estimator's ``_network``: layer widths to a Network.
    hidden_layer_sizes : list of int
    rng : numpy.random.RandomState
    zero_output : bool
        Start the output layer at zero (with a skip connection).

    Returns
    -------
    tuple ``(net, inputs, theta, optimizer, rows_seen)`` or None
        None when no input passes the screen on every row, or when Ctrl-C
        interrupts the refit: the early-stopped networks are kept.
    """
    T = linear.hidden_target(X, Y)
    inputs = choose_inputs(settings, X, T, sample_weight)
    n_inputs = inputs.n_columns(X.shape[1])
    if n_inputs == 0:
        return None
    net = make_network([n_inputs, *hidden_layer_sizes, Y.shape[1]])
    theta = init_members(net.layout, len(epochs), net.activation, rng, X.dtype,
                         zero_output=zero_output)
    data = (inputs.transform(X), T, sample_weight)
    if settings.verbose:
        print(f"Refit on all {len(X)} rows, epochs per network: "
              f"{', '.join(map(str, epochs))}")
    try:
        trained = train_epochs(settings, net, theta, data, epochs, rng)
    except KeyboardInterrupt:
        warn_user("Training interrupted by user during the refit on every row: the "
                  "networks are those early stopping kept.")
        return None
    return (net, inputs, *trained)


def train_epochs(settings, net, theta, data, budget, rng):
    """Train each member for its own number of epochs, with a new optimizer and
    no stopping rule.

    Parameters
    ----------
    settings : Settings
    net : Network
    theta : ndarray of shape (n_networks, n_params)
        The starting parameters, trained in place.
    data : tuple ``(X, Y, sample_weight)``
        The rows every member trains on.
    budget : ndarray of int of shape (n_networks,)
        Epochs of each member, at least 1.
    rng : numpy.random.RandomState

    Returns
    -------
    theta : ndarray of shape (n_networks, n_params)
    optimizer : SGDOptimizer or AdamOptimizer
        With the state of the members that trained longest.
    rows_seen : int
        Training rows seen over the epochs run.
    """
    history = History().watch(False, len(theta))
    optimizer = make_optimizer(settings, theta)
    loop = EpochLoop(settings, net, theta, optimizer, history, rng,
                     clip_batch_size(settings.batch_size, len(data[0])))
    loop.run(data, None, int(budget.max()), budget=budget)
    return loop.finished, optimizer, history.t
