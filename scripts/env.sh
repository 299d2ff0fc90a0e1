# Sourced by the other scripts: create .venv on first use and install the package
# with the given extras (default "test") into it. Needs only python3 with venv.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
EXTRAS="${1:-test}"
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
    .venv/bin/python -m pip install --quiet --upgrade pip
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[${EXTRAS}]"
export MPLBACKEND=Agg
PY=.venv/bin/python
