#!/usr/bin/env bash
# Install everything the tests need into .venv, lint, then run the whole suite.
# Extra arguments go to pytest (e.g. `bash scripts/test.sh -m "not slow"`).
source "$(dirname "$0")/env.sh" test
"$PY" -m ruff check skquantnn tests examples benchmarks
"$PY" -m pytest "$@"
