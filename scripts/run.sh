#!/usr/bin/env bash
# The main job: install into .venv, then run the seed-000 workflow example.
source "$(dirname "$0")/env.sh" plot
"$PY" examples/seed1_economic_regression.py "$@"
