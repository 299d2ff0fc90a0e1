"""NumpyMLPRegressor vs scikit-learn's MLPRegressor on the Keras tutorial's workload.

2000 x 8 simulated economic data (``make_economic_regression(random_state=42)``),
80/20 split as the tutorial, StandardScaler, (64, 32) relu, adam,
learning_rate_init=1e-3, batch_size=32, 50 epochs, alpha=0, no early stopping.
NumpyMLPRegressor runs scikit-learn's network (``SKLEARN_MLP_PARAMS``). The
estimators run side by side in one process, alternating, over 5 seeds; the script
prints the median fit time of each, its ratio to scikit-learn's, and the mean test
MSE. ``--networks 5,8`` adds NumpyMLPRegressor averaging 5 and 8 stacked networks
trained in one vectorised pass (same epochs and batches), and their time ratios to
one network; ``--float32`` also times each NumpyMLPRegressor on float32 input.
The compiled kernels run when numba is installed; ``--no-numba`` times the
pure-NumPy path. ``--features``, ``--hidden`` and ``--batch-size`` change the
shape of the workload (wider inputs are more pure-noise factors), for example the
default recipe's: ``--features 48 --hidden 64,32 --batch-size 200``.
``--cpu-time`` times each fit by the CPU time of its thread instead of the wall
clock: on a machine shared with other jobs it leaves out the time the scheduler
gave them (with one BLAS thread every fit runs in this thread).

    python benchmarks/bench_numpy_vs_sklearn.py [--float32] [--networks 5,8]
"""

import argparse
import statistics
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPRegressor
from sklearn.preprocessing import StandardScaler

from skquantnn import SKLEARN_MLP_PARAMS, NumpyMLPRegressor
from skquantnn.datasets import make_economic_regression

SETTINGS = dict(
    hidden_layer_sizes=(64, 32),
    activation="relu",
    solver="adam",
    learning_rate_init=1e-3,
    batch_size=32,
    max_iter=50,
    alpha=0.0,
    early_stopping=False,
    n_iter_no_change=10_000,  # always run the 50 epochs
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="seeds (default 5)")
    parser.add_argument("--float32", action="store_true",
                        help="also time NumpyMLPRegressor on float32 input")
    parser.add_argument("--networks", default="",
                        help="also time averages of these many stacked networks, "
                             "comma-separated (e.g. 5,8)")
    parser.add_argument("--no-numba", action="store_true",
                        help="the pure-NumPy optimizer updates even if numba is "
                             "installed")
    parser.add_argument("--features", type=int, default=8,
                        help="input columns (default 8, the tutorial's)")
    parser.add_argument("--hidden", default="64,32",
                        help="hidden layer sizes (default 64,32)")
    parser.add_argument("--batch-size", type=int, default=32,
                        help="rows per batch (default 32)")
    parser.add_argument("--cpu-time", action="store_true",
                        help="time fits by this thread's CPU time, not the wall "
                             "clock")
    args = parser.parse_args()
    clock = time.thread_time if args.cpu_time else time.perf_counter
    settings = {**SETTINGS, "batch_size": args.batch_size, "hidden_layer_sizes":
                tuple(int(u) for u in args.hidden.split(","))}
    if args.no_numba:
        import skquantnn._kernels

        skquantnn._kernels.COMPILED = False

    X, y = make_economic_regression(n_features=args.features, random_state=42)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, random_state=42)
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

    def ours(networks):
        return lambda s: NumpyMLPRegressor(
            random_state=s, **{**SKLEARN_MLP_PARAMS, **settings,
                               "n_networks": networks})

    models = {"sklearn MLPRegressor": lambda s: MLPRegressor(random_state=s,
                                                             **settings)}
    inputs = {"sklearn MLPRegressor": (X_train, X_test)}
    counts = [1] + [int(n) for n in args.networks.split(",") if n]
    for networks in counts:
        name = "NumpyMLPRegressor" + (f" x{networks}" if networks > 1 else "")
        models[name], inputs[name] = ours(networks), (X_train, X_test)
        if args.float32:
            models[f"{name} float32"] = ours(networks)
            inputs[f"{name} float32"] = (X_train.astype(np.float32),
                                         X_test.astype(np.float32))
    times = {name: [] for name in models}
    mses = {name: [] for name in models}
    for seed in range(args.repeats):
        for name, make in models.items():
            Xtr, Xte = inputs[name]
            model = make(seed)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                started = clock()
                model.fit(Xtr, y_train)
                times[name].append(clock() - started)
            mses[name].append(mean_squared_error(y_test, model.predict(Xte)))

    reference = statistics.median(times["sklearn MLPRegressor"])
    one = statistics.median(times["NumpyMLPRegressor"])
    ref_mse = statistics.mean(mses["sklearn MLPRegressor"])
    print(f"{'model':<32}{'median fit s':>14}{'vs sklearn':>12}{'vs one net':>12}"
          f"{'mean test MSE':>15}{'MSE ratio':>11}")
    for name in models:
        median = statistics.median(times[name])
        mse = statistics.mean(mses[name])
        print(f"{name:<32}{median:>14.3f}{median / reference:>12.2f}"
              f"{median / one:>12.2f}{mse:>15.4f}{mse / ref_mse:>11.3f}")


if __name__ == "__main__":
    main()
