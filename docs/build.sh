#!/usr/bin/env bash
# Build the documentation with warnings as errors, then run every code example on its
# pages. Writes only under docs/_build. Needs the docs extra: pip install -e '.[docs]'.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python}"
"$PYTHON" -m sphinx -W --keep-going -q -b html -d docs/_build/doctrees docs docs/_build/html
"$PYTHON" -m sphinx -W --keep-going -q -b doctest -d docs/_build/doctrees docs docs/_build/doctest
echo "docs: built docs/_build/html; page examples passed"
