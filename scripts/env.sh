# Sourced by the other scripts: create .venv on first use and install the package
# (with the extras named by the first argument, if any) into it. Needs only
# python3 with venv and pip.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
TARGET="."
[ -n "${1:-}" ] && TARGET=".[$1]"
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
    .venv/bin/python -m pip install --quiet --upgrade pip
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$TARGET"
export MPLBACKEND=Agg
PY=.venv/bin/python
