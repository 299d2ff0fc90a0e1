"""Memory at scale: predict on 10 million rows, and streaming partial_fit.

``predict``: each estimator (NumpyMLPRegressor with its defaults, five averaged
networks, and with one network, ``SKLEARN_MLP_PARAMS``; KerasMLPRegressor), fitted
on the tutorial's 2000 rows, predicts 10 million rows x 8 float32 features; a
fresh process per estimator reports the time and the
peak resident memory *above* the memory it held before the call (the input itself,
320 MB, is already there), next to the size of the output.

``stream``: one epoch of ``NumpyMLPRegressor().partial_fit`` (the defaults: five
networks) over 1e4 ... 1e7 rows x 8
features read from a file in chunks of 100_000 rows (as from a ``numpy.memmap`` or
``pandas.read_csv(chunksize=...)``); a fresh process per size reports seconds per
epoch and the peak resident memory above the process's memory before the epoch.
Time should grow linearly with the rows and memory stay flat.

    python benchmarks/bench_memory.py predict
    python benchmarks/bench_memory.py stream
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

N_FEATURES = 8
CHUNK_ROWS = 100_000


def rss_mb():
    """Current resident memory of this process, in MB."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3  # kB on Linux


def child_predict(kind, n_rows):
    import numpy as np

    from skquantnn.datasets import make_economic_regression

    X, y = make_economic_regression(random_state=42)
    if kind.startswith("numpy"):
        from skquantnn import SKLEARN_MLP_PARAMS, NumpyMLPRegressor

        one = SKLEARN_MLP_PARAMS if kind == "numpy-one-network" else {}
        model = NumpyMLPRegressor(max_iter=5, random_state=0, **one)
    else:
        from skquantnn import KerasMLPRegressor

        model = KerasMLPRegressor(epochs=1, dtype="float32", random_state=0)
    model.fit(X.astype(np.float32), y)
    rng = np.random.default_rng(0)
    X_big = np.empty((n_rows, N_FEATURES), dtype=np.float32)
    for start in range(0, n_rows, 1_000_000):
        X_big[start:start + 1_000_000] = rng.standard_normal(
            (min(1_000_000, n_rows - start), N_FEATURES), dtype=np.float32)
    model.predict(X_big[:10])  # warm-up
    before = max(rss_mb(), peak_rss_mb())
    started = time.perf_counter()
    pred = model.predict(X_big)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "extra_peak_mb": peak_rss_mb() - before,
            "output_mb": pred.nbytes / 1e6, "finite": bool(np.isfinite(pred).all())}


def child_stream(path, n_rows):
    import numpy as np

    from skquantnn import NumpyMLPRegressor

    model = NumpyMLPRegressor(random_state=0)
    model.partial_fit(np.zeros((2, N_FEATURES), np.float32), np.zeros(2))  # set up
    before = max(rss_mb(), peak_rss_mb())
    started = time.perf_counter()
    for start in range(0, n_rows, CHUNK_ROWS):
        rows = min(CHUNK_ROWS, n_rows - start)
        chunk = np.memmap(path, dtype=np.float32, mode="r",
                          offset=start * (N_FEATURES + 1) * 4,
                          shape=(rows, N_FEATURES + 1))
        block = np.array(chunk)  # read this chunk, then let the mapping go
        del chunk
        model.partial_fit(block[:, :-1], block[:, -1])
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "extra_peak_mb": peak_rss_mb() - before,
            "loss": model.loss_}


def write_rows(path, n_rows):
    """Simulated rows (8 features, then the target) written chunk by chunk."""
    import numpy as np

    rng = np.random.default_rng(0)
    with open(path, "wb") as f:
        for start in range(0, n_rows, CHUNK_ROWS):
            rows = min(CHUNK_ROWS, n_rows - start)
            X = rng.standard_normal((rows, N_FEATURES), dtype=np.float32)
            y = (np.sin(X[:, 0]) + X[:, 1] ** 2 - 1.5 * X[:, 3]).astype(np.float32)
            np.column_stack([X, y]).astype(np.float32).tofile(f)


def in_child(*args):
    out = subprocess.run([sys.executable, __file__, "child", *map(str, args)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["predict", "stream", "child"])
    parser.add_argument("args", nargs="*")
    args = parser.parse_args()
    if args.what == "child":
        task, *rest = args.args
        if task == "predict":
            print(json.dumps(child_predict(rest[0], int(rest[1]))))
        else:
            print(json.dumps(child_stream(rest[0], int(rest[1]))))
    elif args.what == "predict":
        print(f"{'estimator':<20}{'rows':>12}{'seconds':>10}{'extra peak MB':>15}"
              f"{'output MB':>11}")
        for kind in ("numpy", "numpy-one-network", "keras"):
            r = in_child("predict", kind, 10_000_000)
            assert r["finite"]
            print(f"{kind:<20}{10_000_000:>12,}{r['seconds']:>10.2f}"
                  f"{r['extra_peak_mb']:>15.0f}{r['output_mb']:>11.0f}")
    else:
        print(f"{'rows':>12}{'seconds/epoch':>15}{'us/row':>9}{'extra peak MB':>15}")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "rows.f32"
            write_rows(path, 10_000_000)
            for n_rows in (10_000, 100_000, 1_000_000, 10_000_000):
                r = in_child("stream", path, n_rows)
                print(f"{n_rows:>12,}{r['seconds']:>15.2f}"
                      f"{1e6 * r['seconds'] / n_rows:>9.2f}{r['extra_peak_mb']:>15.1f}")


if __name__ == "__main__":
    main()
