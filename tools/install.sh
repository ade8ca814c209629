#!/usr/bin/env bash
# Install switokd_mm (editable, with the test extras) and the offline
# Fashion-MNIST data on a fresh machine; one line per step. Run again, it
# skips what is installed already (tools/install_state.py: the package from
# this checkout, every requirement in a matching version, no change to
# setup.py or the requirement files since the last install). Used by
# tools/demo.sh and tools/run_tests.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

if [ -d /usr/share/datasets/fashion-mnist ]; then
    echo "[install] Fashion-MNIST: present in /usr/share/datasets/fashion-mnist"
else
    echo "[install] Fashion-MNIST: apt-get install dataset-fashion-mnist ..."
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq dataset-fashion-mnist >/dev/null
fi

# -I: neither PYTHONPATH nor the current folder may hide the installed package
if reason=$("$PYTHON" -I tools/install_state.py 2>&1); then
    echo "[install] switokd_mm: $reason"
else
    echo "[install] switokd_mm: $reason;"
    echo "[install] switokd_mm: pip install -e \".[tests]\" (1-3 minutes on a" \
        "fresh machine) ..."
    "$PYTHON" -m pip install -q --root-user-action=ignore -e ".[tests]"
    "$PYTHON" -I tools/install_state.py --write
    echo "[install] switokd_mm: done"
fi
