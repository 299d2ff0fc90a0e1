#!/usr/bin/env bash
# Install everything the tests need into .venv, lint, then run the whole suite:
# everything with Keras on TensorFlow, then the Keras tests again on JAX.
# Extra arguments go to the first pytest run; `bash scripts/test.sh -m "not slow"`
# is the quick loop (the JAX runs ignore them). The two large runs spread their
# tests over one pytest-xdist worker per core (at most four); `-n 0` runs the
# first in this process instead (for --pdb, say).
source "$(dirname "$0")/env.sh" test
"$PY" -m ruff check skquantnn tests examples benchmarks docs

# The workers keep every core busy already: one BLAS, OpenMP and TensorFlow
# thread each, or their thread pools spin against one another.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
    TF_NUM_INTEROP_THREADS=1 TF_NUM_INTRAOP_THREADS=1
# Every worker (and every Dask or joblib worker a test starts) compiles the same
# JAX programs: compile each once, into a cache kept with the environment.
export JAX_COMPILATION_CACHE_DIR="$PWD/.venv/jax-cache" \
    JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS=0
PYTEST=("$PY" -m pytest -n auto --maxprocesses=4 --dist worksteal --durations=10)

echo "== all tests, Keras on TensorFlow"
KERAS_BACKEND=tensorflow "${PYTEST[@]}" "$@"
echo "== Keras tests on JAX"
# JAX computes in float32 unless its x64 mode is on; the exactness checks of
# scikit-learn's common tests need float64 (see tests/test_keras_common.py).
# In one process: its checks reuse the programs compiled there, and two workers
# took as long for 40% more CPU time.
KERAS_BACKEND=jax JAX_ENABLE_X64=1 "${PYTEST[@]}" -n 0 tests/test_keras_common.py
# Tests marked one_backend check nothing that depends on the backend; they ran
# on TensorFlow above (see their markers for what covers them on JAX).
KERAS_BACKEND=jax "${PYTEST[@]}" -m "keras and not one_backend" \
    --ignore=tests/test_keras_common.py
