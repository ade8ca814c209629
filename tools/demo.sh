#!/usr/bin/env bash
# The demo: install, unpack Fashion-MNIST, train SwitOKD for a few minutes
# on the CPU, then print the student's and the teacher's test accuracy and
# how often the teacher was paused.
#   bash tools/demo.sh [extra tools/train.py arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install.sh --without-tests  # no test tools: run_tests.sh adds them
PYTHON=${PYTHON:-python3}
WORK_DIR=${WORK_DIR:-work_dirs/demo}
CONFIG=configs/switokd-eq5_wrn16-1_resnet8-w4_1xb128-tlr0.1-slr0.01-3e_fashion-mnist-20k.py

"$PYTHON" tools/dataset_converters/prepare_fashion_mnist.py
# The whole training log goes to $WORK_DIR/train.log; the terminal shows the
# progress: every 20 iterations G, delta and the share of expert iterations
# in those 20, each epoch's expert share, and the test accuracies.
mkdir -p "$WORK_DIR"
echo "Training (about 500 iterations; log: $WORK_DIR/train.log)..."
"$PYTHON" tools/train.py "$CONFIG" --work-dir "$WORK_DIR" "$@" 2>&1 |
    tee "$WORK_DIR/train.log" |
    sed -nuE \
        -e 's/.*Epoch\(train\) *(\[[0-9]+\]\[ *[0-9]+\/[0-9]+\]).* eta: ([0-9:]+).*switokd\/gap: ([0-9.]+) +switokd\/delta: ([0-9.]+).*switokd\/expert: ([0-9.]+).*/  \1 eta \2  G \3  delta \4  expert \5/p' \
        -e 's/.* - (SwitOKD epoch .*)/  \1/p' \
        -e 's/.*Epoch\(val\).*(student\/accuracy\/top1: [0-9.]+ +teacher\/accuracy\/top1: [0-9.]+).*/  \1/p' ||
    { tail -n 20 "$WORK_DIR/train.log"; exit 1; }
echo
"$PYTHON" tools/analysis/summarize_run.py "$WORK_DIR"
