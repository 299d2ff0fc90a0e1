"""KerasMLPRegressor against the Keras tutorial's own code, on the tutorial's workload.

Workload: the tutorial's, 2000 x 8 simulated data (``make_economic_regression(
random_state=42)``), 80/20 split, StandardScaler, Dense 64 relu -> 32 relu -> 1,
adam, mse, mae metric, 50 epochs, batch 32, ``validation_split=0.2``, float32.

``compare``: in one process on the current backend (``KERAS_BACKEND``), the
tutorial's code, KerasMLPRegressor with its compiled loop (the default) and
KerasMLPRegressor with Keras's own loop (``training_loop="keras"``, with and
without ``steps_per_execution=32``): one untimed warm-up fit of each, then each in
turn for each of 3 seeds. Prints the median fit time, its ratio to the tutorial
code's, and the mean test MSE.

``backends``: the same configurations on TensorFlow and on JAX, each in its own
process (a process has one Keras backend), one untimed warm-up fit then 3 seeds;
times relative to the tutorial's code on TensorFlow.

    python benchmarks/bench_keras.py compare
    python benchmarks/bench_keras.py backends
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
#: name: KerasMLPRegressor overrides, or None for the tutorial's code
CONFIGS = {
    "tutorial code": None,
    "KerasMLPRegressor": {},
    "KerasMLPRegressor, training_loop='keras'": {"training_loop": "keras"},
    "KerasMLPRegressor, training_loop='keras', steps_per_execution=32": {
        "training_loop": "keras", "steps_per_execution": 32},
}
BACKENDS = {"tensorflow": "TensorFlow", "jax": "JAX"}


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


def fit_one(overrides, seed, data):
    """(seconds, test MSE) of one fit of one configuration."""
    import numpy as np

    X_train, X_test, y_train, y_test = data
    if overrides is None:
        seconds, pred = fit_tutorial_code(seed, X_train, y_train, X_test)
    else:
        seconds, pred = fit_wrapper(seed, X_train, y_train, X_test, **overrides)
    return seconds, float(np.mean((pred - y_test) ** 2))


def measure(configs):
    """Warm up each configuration, then fit them in turn for each seed.

    Returns
    -------
    dict of str to list of (seconds, test MSE)
    """
    data = load_data()
    for overrides in configs.values():
        fit_one(overrides, 0, data)  # compiles what later fits reuse; not timed
    results = {name: [] for name in configs}
    for seed in SEEDS:
        for name, overrides in configs.items():
            results[name].append(fit_one(overrides, seed, data))
    return results


def summary(results):
    """Median fit seconds and mean test MSE of a list of (seconds, test MSE)."""
    return (statistics.median(t for t, _ in results),
            statistics.mean(m for _, m in results))


def compare():
    import keras

    rows = measure(CONFIGS)
    reference = summary(rows["tutorial code"])[0]
    print(f"backend: {keras.backend.backend()}, one process, alternating, "
          f"seeds {SEEDS}")
    print(f"{'configuration':<66}{'median fit s':>13}{'vs tutorial':>13}"
          f"{'mean test MSE':>15}")
    for name, results in rows.items():
        median, mse = summary(results)
        print(f"{name:<66}{median:>13.2f}{median / reference:>13.3f}{mse:>15.4f}")


def backends():
    rows = {}
    for backend in BACKENDS:
        env = {**os.environ, "KERAS_BACKEND": backend}
        out = subprocess.run([sys.executable, __file__, "child"], env=env,
                             capture_output=True, text=True, check=True).stdout
        rows[backend] = json.loads(out.strip().splitlines()[-1])
    tensorflow = summary(rows["tensorflow"]["tutorial code"])[0]
    print("each backend in its own process; 'same process' is the ratio to the "
          "tutorial code on the same backend")
    print(f"{'configuration':<78}{'median fit s':>13}{'same process':>14}"
          f"{'vs TF tutorial':>16}{'mean test MSE':>15}")
    for backend, label in BACKENDS.items():
        own = summary(rows[backend]["tutorial code"])[0]
        for name, results in rows[backend].items():
            median, mse = summary(results)
            print(f"{name + ', ' + label:<78}{median:>13.2f}{median / own:>14.3f}"
                  f"{median / tensorflow:>16.3f}{mse:>15.4f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["compare", "backends", "child"])
    args = parser.parse_args()
    if args.what == "child":
        print(json.dumps(measure(CONFIGS)))
    else:
        {"compare": compare, "backends": backends}[args.what]()


if __name__ == "__main__":
    main()
