"""Analytic gradients against central finite differences, in float64."""

import itertools

import numpy as np
import pytest

from skquantnn._activations import ACTIVATIONS, DERIVATIVES, LOSS_FUNCTIONS
from skquantnn._fit_state import Network
from skquantnn._network import FlatLayout, backward, forward
from skquantnn._training import Workspace, loss_and_gradient

PENALTIES = {"none": (0.0, 0.0), "l2": (0.3, 0.0), "l1": (0.0, 0.2), "both": (0.3, 0.2)}


def relative_error(a, b):
    return np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))


def numerical_gradient(f, theta, eps=1e-6):
    grad = np.empty_like(theta)
    for i in np.ndindex(theta.shape):
        old = theta[i]
        theta[i] = old + eps
        up = f()
        theta[i] = old - eps
        down = f()
        theta[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad


N_NETWORKS = 2


def make_problem(activation, out_activation, loss, alpha, l1_alpha, weighted, seed=0):
    # Two stacked members: the reported loss is their mean, and each member's
    # row of the gradient is the gradient of its own loss, so the finite
    # differences of the mean are the analytic rows divided by the member count.
    rng = np.random.RandomState(seed)
    layer_units = [3, 5, 4, 2]
    net = Network(FlatLayout(layer_units), activation, out_activation, loss, 0.7,
                  alpha, l1_alpha)
    theta = rng.uniform(-1, 1, (N_NETWORKS, net.layout.size))
    X = rng.normal(size=(7, 3))
    Y = rng.normal(size=(7, 2)) * 2
    sw = rng.uniform(0.5, 2.0, size=7) if weighted else None
    return net, Workspace(net, theta, len(X)), X, Y, sw


@pytest.mark.parametrize(
    "activation, loss, penalty, weighted",
    list(itertools.product(ACTIVATIONS, LOSS_FUNCTIONS, PENALTIES, [False, True])),
)
def test_loss_gradient_matches_finite_differences(activation, loss, penalty, weighted):
    net, ws, X, Y, sw = make_problem(activation, "identity", loss, *PENALTIES[penalty],
                                     weighted)
    loss_and_gradient(net, ws, X, Y, sw)
    analytic = ws.grad / N_NETWORKS
    numeric = numerical_gradient(lambda: loss_and_gradient(net, ws, X, Y, sw), ws.theta)
    assert relative_error(analytic, numeric) < 1e-6


@pytest.mark.parametrize("out_activation", list(ACTIVATIONS))
def test_output_activation_gradient(out_activation):
    net, ws, X, Y, sw = make_problem("tanh", out_activation, "squared_error", 0.1, 0.0,
                                     True)
    loss_and_gradient(net, ws, X, Y, sw)
    analytic = ws.grad / N_NETWORKS
    numeric = numerical_gradient(lambda: loss_and_gradient(net, ws, X, Y, sw), ws.theta)
    assert relative_error(analytic, numeric) < 1e-6


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_gradient_with_fixed_dropout_masks(activation):
    net, ws, X, Y, sw = make_problem(activation, "identity", "squared_error", 0.1, 0.0,
                                     False)
    rng = np.random.RandomState(1)
    masks = [(rng.uniform(size=(N_NETWORKS, 7, u)) < 0.6) / 0.6 for u in (5, 4)]
    loss_and_gradient(net, ws, X, Y, sw, masks)
    analytic = ws.grad / N_NETWORKS
    numeric = numerical_gradient(
        lambda: loss_and_gradient(net, ws, X, Y, sw, masks), ws.theta)
    assert relative_error(analytic, numeric) < 1e-6
    # dropping a unit really removes its contribution: no gradient reaches the
    # outgoing weights of a unit that was dropped in every row
    coef_grads, _ = net.layout.unpack(ws.grad)
    for member in range(N_NETWORKS):
        always_dropped = np.flatnonzero((masks[0][member] == 0).all(axis=0))
        assert np.all(coef_grads[1][member][always_dropped] == 0)


@pytest.mark.parametrize("lead", [(), (3,)], ids=["one network", "stacked"])
@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_input_gradient_matches_finite_differences(activation, lead):
    rng = np.random.RandomState(3)
    layout = FlatLayout([4, 6, 3, 1])
    coefs, intercepts = layout.unpack(rng.uniform(-1, 1, lead + (layout.size,)))
    X = rng.normal(size=(5, 4))

    def output_sum(X):
        return forward(X, coefs, intercepts, activation, "identity")[0][-1].sum()

    H, D = forward(X, coefs, intercepts, activation, "identity")
    grads = layout.unpack(np.empty(lead + (layout.size,)))
    dX = backward(np.ones(lead + (5, 1)), H, D, coefs, activation, "identity",
                  *grads, input_gradient=True)
    if lead:
        dX = dX.sum(axis=0)     # the members' outputs were summed
    numeric = np.empty_like(X)
    for idx in np.ndindex(X.shape):
        Xp, Xm = X.copy(), X.copy()
        Xp[idx] += 1e-6
        Xm[idx] -= 1e-6
        numeric[idx] = (output_sum(Xp) - output_sum(Xm)) / 2e-6
    assert relative_error(dX, numeric) < 1e-6


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_derivative_from_output(name):
    Z = np.linspace(-3, 3, 41)[None, :] + 1e-3  # away from relu's kink at 0
    A = ACTIVATIONS[name](Z.copy())
    eps = 1e-6
    numeric = (ACTIVATIONS[name](Z + eps) - ACTIVATIONS[name](Z - eps)) / (2 * eps)
    analytic = DERIVATIVES[name](A, np.ones_like(A))
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)
