#!/usr/bin/env bash
# The main job: install into .venv, then run `skquantnn benchmark` (the neural
# networks against Ridge and gradient boosting, time-ordered cross-validation).
# Extra arguments go to the command, e.g. `bash scripts/run.sh --models numpy,ridge`.
source "$(dirname "$0")/env.sh" data,fast
"$PY" -m skquantnn benchmark "$@"
