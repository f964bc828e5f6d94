#!/usr/bin/env bash
# Build the documentation nit-picky (every cross-reference must resolve) with warnings as
# errors, then run every code example on its pages. Writes only under docs/_build. Needs
# the docs and notebook extras (pip install -e '.[docs,notebook]') and Graphviz's `dot`
# (Debian/Ubuntu: apt-get install graphviz) for the diagrams.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python}"
if ! command -v dot > /dev/null; then
  echo "docs: Graphviz's 'dot' is not on the PATH; install it (apt-get install graphviz)" >&2
  exit 1
fi
# The walkthrough notebook is executed by a kernel that writes only under a temporary home.
KERNEL_HOME="$(mktemp -d)"
trap 'rm -rf "$KERNEL_HOME"' EXIT
export MPLBACKEND=Agg MPLCONFIGDIR="$KERNEL_HOME/matplotlib" IPYTHONDIR="$KERNEL_HOME/ipython"
export JUPYTER_PLATFORM_DIRS=1 PYDEVD_DISABLE_FILE_VALIDATION=1
"$PYTHON" -m sphinx -n -W --keep-going -q -b html -d docs/_build/doctrees docs docs/_build/html
# The doctest pass reuses the pages read above; the notebook has just been executed.
"$PYTHON" -m sphinx -n -W --keep-going -q -b doctest -D nb_execution_mode=off \
  -d docs/_build/doctrees docs docs/_build/doctest
echo "docs: built docs/_build/html; page examples passed"
