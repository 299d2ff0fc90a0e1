"""Where one training step's time goes, for 1, 5 and 8 stacked networks.

The tutorial's network (8 inputs, (64, 32) relu, one output, float64) on one batch
of 32 rows: the forward and backward pass (``loss_and_gradient``) and Adam's update,
each called 2000 times in a row; the best of 11 such runs, in microseconds per
call, with the compiled kernels (numba installed) and with the pure-NumPy path.
A whole step of ``fit`` also pays for the batch loop (slicing, the loss total).

    python benchmarks/bench_training_step.py
"""

import timeit

import numpy as np

import skquantnn._kernels as kernels
from skquantnn._fit_state import Network
from skquantnn._network import FlatLayout, init_members
from skquantnn._optimizers import AdamOptimizer
from skquantnn._training import Workspace, loss_and_gradient


def best_of(call, number=2000, repeat=11):
    """Microseconds per call, best of ``repeat`` runs of ``number`` calls."""
    return min(timeit.repeat(call, number=number, repeat=repeat)) / number * 1e6


def main():
    rng = np.random.RandomState(0)
    X, Y = rng.normal(size=(32, 8)), rng.normal(size=(32, 1))
    net = Network(FlatLayout([8, 64, 32, 1]), "relu", "identity", "squared_error",
                  1.0, 0.0, 0.0)
    paths = [("compiled", True), ("NumPy", False)] if kernels.COMPILED else [
        ("NumPy", False)]
    print("microseconds per call, batch of 32 rows, (64, 32) relu, float64")
    print("| networks | kernels | forward + backward | Adam update | sum |")
    print("|---:|---|---:|---:|---:|")
    for n_networks in (1, 5, 8):
        theta = init_members(net.layout, n_networks, "relu", rng, np.float64)
        ws = Workspace(net, theta, 32)
        optimizer = AdamOptimizer(theta, 1e-3)
        for label, compiled in paths:
            kernels.COMPILED = compiled
            gradient = best_of(lambda ws=ws: loss_and_gradient(net, ws, X, Y))
            update = best_of(lambda ws=ws, o=optimizer, p=theta: o.update_params(
                p, ws.grad))
            print(f"| {n_networks} | {label} | {gradient:.1f} | {update:.1f} | "
                  f"{gradient + update:.1f} |")


if __name__ == "__main__":
    main()
