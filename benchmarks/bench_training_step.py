"""Where one training step's time goes, for 1, 5 and 8 stacked networks.

By default the tutorial's network (8 inputs, (64, 32) relu, one output, float64)
on one batch of 32 rows: the forward and backward pass (``loss_and_gradient``) and
Adam's update, in microseconds per call, with the compiled kernels (numba
installed) and with the pure-NumPy path, and each count's sum relative to one
network's. Every configuration runs a chunk of calls in turn, over ``--rounds``
rounds; each figure is the 20th percentile over the rounds, which on a machine
shared with other jobs is steadier than the best or the median. A whole step of
``fit`` also pays for the batch loop (slicing, the loss total). ``--features``,
``--hidden`` and ``--batch-size`` change the shape, for example the default
recipe's: ``--features 48 --hidden 32,16 --batch-size 200``.

    python benchmarks/bench_training_step.py [--features 8] [--hidden 64,32]
"""

import argparse
import time

import numpy as np

import skquantnn._kernels as kernels
from skquantnn._fit_state import Network
from skquantnn._network import FlatLayout, init_members
from skquantnn._optimizers import AdamOptimizer
from skquantnn._training import Workspace, loss_and_gradient


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", type=int, default=8)
    parser.add_argument("--hidden", default="64,32")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--networks", default="1,5,8")
    parser.add_argument("--rounds", type=int, default=25)
    args = parser.parse_args()
    hidden = [int(u) for u in args.hidden.split(",")]
    rows = args.batch_size
    calls = max(20, 6400 // rows)
    rng = np.random.RandomState(0)
    X, Y = rng.normal(size=(rows, args.features)), rng.normal(size=(rows, 1))
    net = Network(FlatLayout([args.features, *hidden, 1]), "relu", "identity",
                  "squared_error", 1.0, 0.0, 0.0)
    paths = [("compiled", True), ("NumPy", False)] if kernels.COMPILED else [
        ("NumPy", False)]
    parts = {}
    for n_networks in (int(k) for k in args.networks.split(",")):
        theta = init_members(net.layout, n_networks, "relu", rng, np.float64)
        ws = Workspace(net, theta, rows)
        optimizer = AdamOptimizer(theta, 1e-3)
        for label, compiled in paths:
            parts[n_networks, label] = (
                compiled,
                lambda ws=ws: loss_and_gradient(net, ws, X, Y),
                lambda ws=ws, o=optimizer, p=theta: o.update_params(p, ws.grad))
    times = {(key, part): [] for key in parts for part in (1, 2)}
    for _ in range(args.rounds):
        for key, (compiled, *calls_of) in parts.items():
            kernels.COMPILED = compiled
            for part, call in enumerate(calls_of, 1):
                started = time.perf_counter()
                for _ in range(calls):
                    call()
                times[key, part].append((time.perf_counter() - started) / calls)
    print(f"microseconds per call, batch of {rows} rows, {args.features} inputs, "
          f"{tuple(hidden)} relu, float64")
    print("| networks | kernels | forward + backward | Adam update | sum | "
          "vs one network |")
    print("|---:|---|---:|---:|---:|---:|")
    one = {}
    for key in parts:
        gradient, update = (np.percentile(times[key, part], 20) * 1e6
                            for part in (1, 2))
        total = gradient + update
        one.setdefault(key[1], total)      # the first count's (one network's)
        print(f"| {key[0]} | {key[1]} | {gradient:.1f} | {update:.1f} | "
              f"{total:.1f} | {total / one[key[1]]:.2f} |")


if __name__ == "__main__":
    main()
