"""L-BFGS training of NumpyMLPRegressor's members: SciPy's L-BFGS-B on the full
batch with the analytic gradient, one independent run per member."""

import numpy as np
import scipy.optimize
from sklearn.exceptions import ConvergenceWarning

from skquantnn._fit_state import History
from skquantnn._training import KEPT, Workspace, loss_and_gradient
from skquantnn._validation import SCALE_HINT, diverged, warn_user


def run_lbfgs(settings, net, theta, X, Y, sample_weight=None):
    """Minimise one member's full-batch loss (penalties included) from ``theta``.

    Parameters
    ----------
    settings : Settings
        ``max_iter``, ``max_fun`` and ``tol`` (the gradient tolerance).
    net : Network
    theta : ndarray of shape (n_params,)
    X : ndarray of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
    sample_weight : ndarray of shape (n_samples,) or None

    Returns
    -------
    scipy.optimize.OptimizeResult
        ``x`` the solution (float64), ``fun`` its loss, ``nit`` the iterations,
        and ``curve``, the loss after each iteration.
    """
    ws = Workspace(net, theta.astype(np.float64)[None], len(X))
    curve = []

    def fun(x):
        ws.theta[0] = x
        return loss_and_gradient(net, ws, X, Y, sample_weight), ws.grad[0].copy()

    result = scipy.optimize.minimize(
        fun, ws.theta[0].copy(), method="L-BFGS-B", jac=True,
        callback=lambda intermediate_result: curve.append(
            float(intermediate_result.fun)),
        options={"maxfun": settings.max_fun, "maxiter": settings.max_iter,
                 "gtol": settings.tol})
    result.curve = curve
    return result


def train_lbfgs(settings, net, start, X, Y, sample_weight=None):
    """Run L-BFGS for each member on its own, from ``start``.

    Each member gets its own line searches, curvature memory and ``max_fun``
    budget, so it ends where a lone network started from its weights would.
    Ctrl-C stops the fit with a ``KeyboardInterrupt``, as scikit-learn's L-BFGS,
    and the estimator keeps the weights it had before the call.

    Parameters
    ----------
    settings : Settings
    net : Network
    start : Start
        ``start.history`` is the record to continue, or None.
    X : ndarray of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
    sample_weight : ndarray of shape (n_samples,) or None

    Returns
    -------
    theta : ndarray of shape (n_networks, n_params)
    history : History
        ``n_iter`` the most iterations a member ran; the loss curve gains, per
        iteration, the members' average loss (a member that finished earlier
        counts with its final loss).
    """
    results = [run_lbfgs(settings, net, row, X, Y, sample_weight)
               for row in start.theta]
    history = start.history or History()
    history.watch(False, len(results))
    history.n_iter = max(r.nit for r in results)
    curves = [r.curve or [float(r.fun)] for r in results]
    added = [float(np.mean([c[min(i, len(c) - 1)] for c in curves]))
             for i in range(max(len(r.curve) for r in results))]
    history.loss_curve.extend(added)
    history.loss = float(np.mean([r.fun for r in results]))
    if settings.verbose:
        for i, loss in enumerate(added, start=1):
            print(f"Iteration {i}, loss = {loss:.8f}")
    if not np.isfinite(history.loss):
        raise diverged(history.loss, history.n_iter,
                       f"{SCALE_HINT.capitalize()} or raise 'alpha'. {KEPT}")
    history.best_loss = min(history.best_loss, history.loss, *history.loss_curve)
    failed = [r for r in results if r.status != 0]
    if failed:
        warn_user(
            f"lbfgs failed to converge after {failed[0].nit} iteration(s) "
            f"({failed[0].message}). Increase 'max_iter' or 'max_fun', or scale "
            "the data.", ConvergenceWarning)
    theta = np.stack([r.x for r in results]).astype(start.theta.dtype, copy=False)
    return theta, history
