#!/usr/bin/env bash
# GPU smoke check of the flagship pair (ResNet-34 -> ResNet-18) on synthetic
# 224x224 batches, no dataset needed: both modes trained with fp16 --amp and
# sync_bn='torch' on one process, then speed.py --device cuda --profile;
# one summary table (tools/benchmarks/gpu_smoke.py says what is checked).
# Without CUDA it says so in one line and exits 0.
#   bash tools/benchmarks/gpu_smoke.sh [tools/benchmarks/gpu_smoke.py arguments]
set -euo pipefail
cd "$(dirname "$0")/../.."
exec "${PYTHON:-python3}" tools/benchmarks/gpu_smoke.py "$@"
