#!/usr/bin/env bash
# Install everything the tests need into .venv, lint, then run the whole suite:
# everything with Keras on TensorFlow, then the Keras tests again on JAX.
# Extra arguments go to the first pytest run; `bash scripts/test.sh -m "not slow"`
# is the quick loop (the JAX runs always run whole).
source "$(dirname "$0")/env.sh" test
"$PY" -m ruff check skquantnn tests examples benchmarks docs
echo "== all tests, Keras on TensorFlow"
KERAS_BACKEND=tensorflow "$PY" -m pytest "$@"
echo "== Keras tests on JAX"
# JAX computes in float32 unless its x64 mode is on; the exactness checks of
# scikit-learn's common tests need float64 (see tests/test_keras_common.py).
KERAS_BACKEND=jax JAX_ENABLE_X64=1 "$PY" -m pytest tests/test_keras_common.py
KERAS_BACKEND=jax "$PY" -m pytest -m keras --ignore=tests/test_keras_common.py
