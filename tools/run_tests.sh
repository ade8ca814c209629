#!/usr/bin/env bash
# Install what the tests need, check the code style (flake8 and isort with
# setup.cfg's settings), then run the test suite. Without a -m option the
# tests marked `slow` are left out; -m picks tests by marker instead:
#   bash tools/run_tests.sh                 # default suite
#   bash tools/run_tests.sh -m slow         # the slow tests only
#   bash tools/run_tests.sh -m "slow or not slow"   # everything
# Other arguments go to pytest (e.g. a test file, -k NAME, -x).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install.sh
PYTHON=${PYTHON:-python3}

echo "[lint] flake8 and isort on switokd_mm, tools, tests"
"$PYTHON" -m flake8 switokd_mm tools tests
"$PYTHON" -m isort --check-only --quiet switokd_mm tools tests

markers=(-m "not slow")
for arg in "$@"; do
    case "$arg" in
        -m | -m* | --markexpr | --markexpr=*) markers=() ;;
    esac
done
echo "[tests] pytest" "${markers[@]}" "$@"
exec "$PYTHON" -m pytest "${markers[@]}" "$@"
