"""KerasMLPRegressor against the Keras tutorial's own code, and its fastest setup.

Workload: the tutorial's, 2000 x 8 simulated data (``make_economic_regression(
random_state=42)``), 80/20 split, StandardScaler, Dense 64 relu -> 32 relu -> 1,
adam, mse, mae metric, 50 epochs, batch 32, ``validation_split=0.2``.

``overhead``: raw Keras (the tutorial's code) and KerasMLPRegressor with the same
settings, alternating in one process on the current backend (``KERAS_BACKEND``),
over 3 seeds; prints median fit times and their ratio.

``fastest``: each configuration in its own process (a process has one Keras
backend), 3 seeds each; prints median fit time relative to the tutorial's code on
TensorFlow, and mean test MSE.

    python benchmarks/bench_keras.py overhead
    python benchmarks/bench_keras.py fastest
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

SEEDS = (0, 1, 2)
CONFIGS = {
    # name: (backend, KerasMLPRegressor overrides or None for the tutorial's code)
    "tutorial code, TensorFlow": ("tensorflow", None),
    "KerasMLPRegressor, TensorFlow": ("tensorflow", {}),
    "KerasMLPRegressor, TensorFlow, steps_per_execution=32": (
        "tensorflow", {"steps_per_execution": 32}),
    "tutorial code, JAX": ("jax", None),
    "KerasMLPRegressor, JAX": ("jax", {}),
    "KerasMLPRegressor, JAX, steps_per_execution=32": (
        "jax", {"steps_per_execution": 32}),
}


def load_data():
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    from skquantnn.datasets import make_economic_regression

    X, y = make_economic_regression(random_state=42)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2,
                                                        random_state=42)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def fit_tutorial_code(seed, X_train, y_train, X_test):
    """The tutorial's Steps 2-4, verbatim but for the seed."""
    import keras
    from keras.layers import Dense
    from keras.models import Sequential

    keras.utils.set_random_seed(seed)
    started = time.perf_counter()
    model = Sequential()
    model.add(keras.Input(shape=(X_train.shape[1],)))
    model.add(Dense(64, activation="relu"))
    model.add(Dense(32, activation="relu"))
    model.add(Dense(1))
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    model.fit(X_train, y_train, epochs=50, batch_size=32, validation_split=0.2,
              verbose=0)
    seconds = time.perf_counter() - started
    return seconds, model.predict(X_test, verbose=0).ravel()


def fit_wrapper(seed, X_train, y_train, X_test, **overrides):
    from skquantnn import KerasMLPRegressor

    # float32, as the tutorial's Keras code computes
    params = dict(validation_split=0.2, dtype="float32", random_state=seed)
    params.update(overrides)
    started = time.perf_counter()
    model = KerasMLPRegressor(**params).fit(X_train, y_train)
    seconds = time.perf_counter() - started
    return seconds, model.predict(X_test)


def run(overrides, seeds):
    """Fit one configuration over ``seeds``: list of (seconds, test MSE)."""
    import numpy as np

    X_train, X_test, y_train, y_test = load_data()
    results = []
    for seed in seeds:
        if overrides is None:
            seconds, pred = fit_tutorial_code(seed, X_train, y_train, X_test)
        else:
            seconds, pred = fit_wrapper(seed, X_train, y_train, X_test, **overrides)
        results.append((seconds, float(np.mean((pred - y_test) ** 2))))
    return results


def overhead():
    import keras

    X_train, X_test, y_train, y_test = load_data()
    fit_tutorial_code(0, X_train, y_train, X_test)  # warm up the backend
    times = {"tutorial code": [], "KerasMLPRegressor": []}
    for seed in SEEDS:
        times["tutorial code"].append(run(None, [seed])[0][0])
        times["KerasMLPRegressor"].append(run({}, [seed])[0][0])
    reference = statistics.median(times["tutorial code"])
    print(f"backend: {keras.backend.backend()}")
    print(f"{'model':<22}{'median fit s':>14}{'ratio':>8}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:<22}{median:>14.2f}{median / reference:>8.2f}")


def fastest():
    rows = {}
    for name, (backend, overrides) in CONFIGS.items():
        env = {**os.environ, "KERAS_BACKEND": backend}
        out = subprocess.run(
            [sys.executable, __file__, "child", json.dumps(overrides)],
            env=env, capture_output=True, text=True, check=True).stdout
        rows[name] = json.loads(out.strip().splitlines()[-1])
    reference = statistics.median(t for t, _ in rows["tutorial code, TensorFlow"])
    print(f"{'configuration':<56}{'median fit s':>13}{'vs tutorial TF':>16}"
          f"{'mean test MSE':>15}")
    for name, results in rows.items():
        median = statistics.median(t for t, _ in results)
        mse = statistics.mean(m for _, m in results)
        print(f"{name:<56}{median:>13.2f}{median / reference:>16.2f}{mse:>15.4f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["overhead", "fastest", "child"])
    parser.add_argument("overrides", nargs="?", default="null")
    args = parser.parse_args()
    if args.what == "child":
        X_train, X_test, y_train, y_test = load_data()
        run(None if args.overrides == "null" else {}, [0])  # warm-up, not timed
        print(json.dumps(run(json.loads(args.overrides), SEEDS)))
    else:
        {"overhead": overhead, "fastest": fastest}[args.what]()


if __name__ == "__main__":
    main()
