#!/usr/bin/env bash
# Install what the tests need, then run the default suite (tests marked
# `slow` are excluded; run them with: bash tools/run_tests.sh -m slow).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install.sh
PYTHON=${PYTHON:-python3}
exec "$PYTHON" -m pytest -m "not slow" "$@"
