"""Resident memory over many consecutive KerasMLPRegressor fits in one process.

A grid search fits the same estimator hundreds of times in one worker. This fits
KerasMLPRegressor ``--fits`` times (default 100) on 500 rows of the tutorial's data
(3 epochs each) and prints the process's resident memory after fits 1, 10, 25, 50,
75 and 100, and the growth per fit over the second half (after warm-up).

    python benchmarks/bench_repeated_fits.py [--fits 100]
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def measure(n_fits):
    """Resident MB after each fit."""
    import keras

    from skquantnn import KerasMLPRegressor
    from skquantnn.datasets import make_economic_regression

    X, y = make_economic_regression(n_samples=500, random_state=0)
    memory = []
    started = time.perf_counter()
    for k in range(n_fits):
        KerasMLPRegressor(epochs=3, random_state=k).fit(X, y)
        memory.append(rss_mb())
    return memory, time.perf_counter() - started, keras.backend.backend()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fits", type=int, default=100)
    args = parser.parse_args()
    memory, seconds, backend = measure(args.fits)
    print(f"backend {backend}, {args.fits} fits in {seconds:.0f} s")
    for k in (1, 10, 25, 50, 75, 100):
        if k <= len(memory):
            print(f"after fit {k:>3}: {memory[k - 1]:7.0f} MB resident")
    half = len(memory) // 2
    growth = (memory[-1] - memory[half - 1]) / (len(memory) - half)
    print(f"growth per fit over fits {half + 1}-{len(memory)}: {growth:.2f} MB")


if __name__ == "__main__":
    main()
