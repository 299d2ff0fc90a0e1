"""Prediction latency: one row and 1000 rows, in Python and in onnxruntime.

Each model is fitted in ``Pipeline(StandardScaler(), model)`` on the Keras
tutorial's 2000 x 8 simulated rows (a few epochs: latency does not depend on the
weights), then exported with ``skquantnn.onnx.to_onnx`` and loaded in an
onnxruntime session (one thread, as a trading system calling it row by row
would). Models take turns, round after round; in its turn a model is called
``--calls`` times in a row (once for Keras's own predict, which takes
milliseconds), and the mean of those calls is one sample. The table gives the
median sample in microseconds: the steady-state latency of a model that is called
again and again, as in production. The rows "estimator alone" call the fitted
estimator's own ``predict`` on rows the scaler already scaled.

    python benchmarks/bench_latency.py [--rounds 30] [--calls 100] [--no-keras]
"""

import argparse
import statistics
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skquantnn import SKLEARN_MLP_PARAMS, NumpyMLPRegressor
from skquantnn.datasets import make_economic_regression
from skquantnn.onnx import to_onnx


def models(keras):
    found = {
        "scikit-learn MLPRegressor((64, 32))": MLPRegressor(
            hidden_layer_sizes=(64, 32), max_iter=5, random_state=0),
        "NumpyMLPRegressor(**SKLEARN_MLP_PARAMS)": NumpyMLPRegressor(
            max_iter=5, random_state=0, **SKLEARN_MLP_PARAMS),
        "NumpyMLPRegressor() (5 networks)": NumpyMLPRegressor(max_iter=5,
                                                               random_state=0),
    }
    if keras:
        from skquantnn import KerasMLPRegressor

        found["KerasMLPRegressor()"] = KerasMLPRegressor(epochs=2, random_state=0)
    return found


def main():
    import onnxruntime as ort

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30,
                        help="samples per model and batch size")
    parser.add_argument("--calls", type=int, default=100,
                        help="consecutive calls per sample")
    parser.add_argument("--no-keras", action="store_true", help="skip Keras")
    args = parser.parse_args()

    X, y = make_economic_regression(random_state=42)
    X = X.astype(np.float32)
    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    callables = {}
    for name, model in models(not args.no_keras).items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            pipe = make_pipeline(StandardScaler(), model).fit(X, y)
        session = ort.InferenceSession(to_onnx(pipe, X[:1]).SerializeToString(),
                                       options, providers=["CPUExecutionProvider"])
        callables[name] = pipe.predict, X
        callables[f"{name}, ONNX"] = (
            lambda rows, s=session: s.run(None, {"X": rows})[0]), X
        if not name.startswith("Keras"):
            # the estimator's own predict, on rows the scaler already scaled
            scaled = pipe[0].transform(X).astype(np.float32)
            callables[f"{name}, estimator alone"] = pipe[-1].predict, scaled

    times = {(name, n): [] for name in callables for n in (1, 1000)}
    for _ in range(args.rounds):
        for name, (predict, inputs) in callables.items():
            # Keras's own predict takes milliseconds: one call is a sample
            calls = 1 if name == "KerasMLPRegressor()" else args.calls
            for n in (1, 1000):
                rows = inputs[:n]
                started = time.perf_counter_ns()
                for _ in range(calls):
                    predict(rows)
                times[name, n].append((time.perf_counter_ns() - started) / calls)

    print("median microseconds per call, Pipeline(StandardScaler, model), float32")
    print("| model | 1 row | 1000 rows |\n|---|---:|---:|")
    for name in callables:
        cells = [f"{statistics.median(times[name, n]) / 1000:,.0f}" for n in (1, 1000)]
        print(f"| {name} | {cells[0]} | {cells[1]} |")
    # the ratio within each round, then its median: robust to a machine whose
    # load changes between rounds
    reference = "scikit-learn MLPRegressor((64, 32)), estimator alone"
    for name in callables:
        if name.endswith("estimator alone") and name != reference:
            ratios = [a / b for a, b in zip(times[name, 1], times[reference, 1],
                                            strict=True)]
            print(f"{name}: one row in {statistics.median(ratios):.2f}x "
                  "scikit-learn's time (median over rounds)")


if __name__ == "__main__":
    main()
