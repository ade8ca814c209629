#!/usr/bin/env bash
# Install switokd_mm (editable, with the test extras) and the offline
# Fashion-MNIST data on a fresh machine. Safe to run again. Used by
# tools/demo.sh and tools/run_tests.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

if [ ! -d /usr/share/datasets/fashion-mnist ]; then
    echo "Installing Fashion-MNIST (Debian package dataset-fashion-mnist)..."
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq dataset-fashion-mnist
fi

# Always (re)install: pip only checks when everything is there already, and a
# requirement added since the last install is picked up.
"${PYTHON:-python3}" -m pip install -q --root-user-action=ignore -e ".[tests]"
