"""Resident memory over many consecutive KerasMLPRegressor fits in one process.

A grid search fits the same estimator hundreds of times in one worker. This fits
KerasMLPRegressor ``--fits`` times (default 100) on 500 rows of the tutorial's
data (3 epochs each, then a prediction, as a search scores each fit), once with
compiled twins (the default) and once with every model tracing its own functions
(``MAX_TWINS = 0``), each in a fresh process on the current Keras backend. It
prints resident memory after fits 1, 10, 25, 50, 75 and 100, the growth per fit
over the second half (after warm-up), and seconds per fit.

    python benchmarks/bench_repeated_fits.py [--fits 100]
"""

import argparse
import json
import os
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

CHECKPOINTS = (1, 10, 25, 50, 75, 100)


def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def measure(n_fits, twins):
    """Resident MB after each fit, total seconds and the backend's name."""
    import keras

    from skquantnn import KerasMLPRegressor, _keras_compiled
    from skquantnn.datasets import make_economic_regression

    if not twins:
        _keras_compiled.MAX_TWINS = 0
    X, y = make_economic_regression(n_samples=500, random_state=0)
    memory = []
    started = time.perf_counter()
    for k in range(n_fits):
        KerasMLPRegressor(epochs=3, random_state=k).fit(X, y).predict(X)
        memory.append(rss_mb())
    return memory, time.perf_counter() - started, keras.backend.backend()


def report(name, memory, seconds):
    half = len(memory) // 2
    growth = (memory[-1] - memory[half - 1]) / (len(memory) - half)
    marks = "  ".join(f"{memory[k - 1]:6.0f}" for k in CHECKPOINTS if k <= len(memory))
    per_fit = seconds / len(memory)
    print(f"{name:<8} {marks}   {growth:6.2f} MB/fit   {per_fit:.3f} s/fit")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fits", type=int, default=100)
    parser.add_argument("--child", choices=("twins", "direct"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        memory, seconds, backend = measure(args.fits, args.child == "twins")
        print(json.dumps({"memory": memory, "seconds": seconds, "backend": backend}))
        return
    results = {}
    for mode in ("direct", "twins"):
        out = subprocess.run(
            [sys.executable, __file__, "--fits", str(args.fits), "--child", mode],
            check=True, capture_output=True, text=True).stdout
        results[mode] = json.loads(out.strip().splitlines()[-1])
    backend = results["twins"]["backend"]
    print(f"backend {backend}, {args.fits} fits + predicts per process")
    marks = "  ".join(f"{k:>6}" for k in CHECKPOINTS if k <= args.fits)
    print(f"{'':<8} {marks}   (MB resident after fit k)")
    for mode, result in results.items():
        report(mode, result["memory"], result["seconds"])


if __name__ == "__main__":
    main()
