"""Where one training step's time goes, call by call, for 1, 5 and 8 networks.

The calls that ``loss_and_gradient`` and Adam's update make for the tutorial's
network (relu hidden layers, one output, squared error; no sample weights, dropout
or penalty), in their order, each timed where it runs and summed by kind: the
hidden layers' matrix products, Adam's update, ReLU's passes (bias and activation,
derivatives, the one-unit layer's outer product), the stacked members' weight
transposes, the bias gradients (products with a ones vector), and the output
layer's products with the loss. Before timing, the replica is checked against
``loss_and_gradient``: the same gradient, bit for bit. Microseconds per step, the
20th percentile over rounds of 200 steps, the counts in turn; the last column is
the cost of each network past the first. "whole step" times ``loss_and_gradient``
and the update alone, without the clock readings between calls.

    python benchmarks/bench_step_profile.py [--features 8] [--hidden 64,32]
"""

import argparse
import itertools
import time

import numpy as np

from skquantnn._activations import (
    DERIVATIVES,
    add_bias_and_activate,
    outer_and_derivative,
)
from skquantnn._fit_state import Network
from skquantnn._kernels import transpose
from skquantnn._network import FlatLayout, init_members, output_gradient
from skquantnn._optimizers import AdamOptimizer
from skquantnn._training import Workspace, loss_and_gradient

PRODUCTS, ADAM, RELU = "hidden layers' products", "Adam's update", "ReLU passes"
TRANSPOSES, BIASES, OUTPUT = "weight transposes", "bias gradients", "output and loss"
KINDS = (PRODUCTS, ADAM, RELU, TRANSPOSES, BIASES, OUTPUT)


def profiled_step(ws, optimizer, X, Y, seconds):
    """One step, each call's time added to ``seconds[kind]``; no update when
    ``optimizer`` is None."""
    coefs, buffers, n = ws.coefs, ws.buffers, len(X)
    last = len(coefs) - 1
    clock = time.perf_counter
    laps = [(None, clock())]

    def lap(kind):
        laps.append((kind, clock()))

    H = [X]
    for layer, W in enumerate(coefs):
        Z = np.matmul(H[-1], W, out=buffers.H[layer + 1][..., :n, :])
        lap(OUTPUT if layer == last else PRODUCTS)
        H.append(add_bias_and_activate(Z, ws.intercepts[layer],
                                       "identity" if layer == last else "relu"))
        lap(OUTPUT if layer == last else RELU)
    R = np.subtract(H[-1], Y, out=buffers.deltas[-1][..., :n, :])
    float(np.dot(R.ravel(), R.ravel()))
    dZ = output_gradient("squared_error", R, None, n, 1.0)
    lap(OUTPUT)
    ones = buffers.ones[:n]
    for layer in range(last, 0, -1):
        W, A, out = coefs[layer], H[layer], buffers.deltas[layer][..., :n, :]
        np.matmul(A.swapaxes(-1, -2), dZ, out=ws.coef_grads[layer])
        lap(OUTPUT if layer == last else PRODUCTS)
        np.matmul(ones, dZ, out=ws.intercept_grads[layer])
        lap(BIASES)
        if W.shape[-1] == 1:
            dZ = outer_and_derivative(dZ, W.swapaxes(-1, -2), A, "relu", out)
        else:
            W_T = (transpose(W, buffers.transposed[layer]) if W.ndim == 3
                   else W.swapaxes(-1, -2))
            lap(TRANSPOSES)
            dZ = np.matmul(dZ, W_T, out=out)
            lap(PRODUCTS)
            dZ = DERIVATIVES["relu"](A, dZ)
        lap(RELU)
    np.matmul(X.T, dZ, out=ws.coef_grads[0])
    lap(PRODUCTS)
    np.matmul(ones, dZ, out=ws.intercept_grads[0])
    lap(BIASES)
    if optimizer is not None:
        optimizer.update_params(ws.theta, ws.grad)
        lap(ADAM)
    for (_, before), (kind, after) in itertools.pairwise(laps):
        seconds[kind] += after - before


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", type=int, default=8)
    parser.add_argument("--hidden", default="64,32")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--networks", default="1,5,8")
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    hidden = [int(u) for u in args.hidden.split(",")]
    counts = [int(k) for k in args.networks.split(",")]
    rng = np.random.RandomState(0)
    X = rng.normal(size=(args.batch_size, args.features))
    Y = rng.normal(size=(args.batch_size, 1))
    net = Network(FlatLayout([args.features, *hidden, 1]), "relu", "identity",
                  "squared_error", 1.0, 0.0, 0.0)
    runs = {}
    for k in counts:
        theta = init_members(net.layout, k, "relu", rng, np.float64)
        ws = Workspace(net, theta, args.batch_size)
        profiled_step(ws, None, X, Y, dict.fromkeys(KINDS, 0.0))
        replica = ws.grad.copy()
        loss_and_gradient(net, ws, X, Y)
        if not np.array_equal(replica, ws.grad):
            raise RuntimeError("the profiled step no longer makes the calls of "
                               "loss_and_gradient; update it")
        runs[k] = (ws, AdamOptimizer(theta, 1e-3))
    steps = 200
    samples = {(k, kind): [] for k in counts for kind in (*KINDS, "whole step")}
    for _ in range(args.rounds):
        for k, (ws, optimizer) in runs.items():
            seconds = dict.fromkeys(KINDS, 0.0)
            for _ in range(steps):
                profiled_step(ws, optimizer, X, Y, seconds)
            for kind, total in seconds.items():
                samples[k, kind].append(total / steps * 1e6)
            started = time.perf_counter()
            for _ in range(steps):
                loss_and_gradient(net, ws, X, Y)
                optimizer.update_params(ws.theta, ws.grad)
            samples[k, "whole step"].append(
                (time.perf_counter() - started) / steps * 1e6)
    table = {key: np.percentile(values, 20) for key, values in samples.items()}
    first, most = counts[0], counts[-1]
    print(f"microseconds per step, batch of {args.batch_size} rows, "
          f"{args.features} inputs, {tuple(hidden)} relu, float64")
    print("| part | " + " | ".join(f"{k} network{'s' * (k > 1)}" for k in counts)
          + " | each further network |")
    print("|---|" + "---:|" * (len(counts) + 1))
    for kind in (*KINDS, "sum", "whole step"):
        row = [sum(table[k, c] for c in KINDS) if kind == "sum" else table[k, kind]
               for k in counts]
        print(f"| {kind} | " + " | ".join(f"{v:.1f}" for v in row)
              + f" | {(row[-1] - row[0]) / (most - first):.1f} |")


if __name__ == "__main__":
    main()
