#!/usr/bin/env bash
# Distributed training with torchrun: GPUs with NCCL, or CPU processes with
# gloo where no GPU is present.
#   tools/dist_train.sh CONFIG NUM_PROCESSES [tools/train.py arguments]
# Multi-node: set NNODES, NODE_RANK, MASTER_ADDR and PORT on every node.
set -euo pipefail
TOOLS="$(cd "$(dirname "$0")" && pwd)"
exec bash "$TOOLS/torchrun.sh" "$2" "$TOOLS/train.py" "$1" "${@:3}"
