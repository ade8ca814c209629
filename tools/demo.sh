#!/usr/bin/env bash
# The demo: install, unpack Fashion-MNIST, train SwitOKD for a few minutes
# on the CPU, then print the student's and the teacher's test accuracy and
# how often the teacher was paused.
#   bash tools/demo.sh [extra tools/train.py arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install.sh
PYTHON=${PYTHON:-python3}
WORK_DIR=${WORK_DIR:-work_dirs/demo}
CONFIG=configs/switokd_wrn16-1_resnet8-w4_1xb128_fashion-mnist.py

"$PYTHON" tools/dataset_converters/prepare_fashion_mnist.py
"$PYTHON" tools/train.py "$CONFIG" --work-dir "$WORK_DIR" "$@"
echo
"$PYTHON" tools/analysis/summarize_run.py "$WORK_DIR"
