#!/usr/bin/env bash
# Distributed testing with torchrun (GPUs with NCCL, CPUs with gloo).
#   tools/dist_test.sh CONFIG CHECKPOINT NUM_PROCESSES [tools/test.py args]
# Multi-node: set NNODES, NODE_RANK, MASTER_ADDR and PORT on every node.
set -euo pipefail
TOOLS="$(cd "$(dirname "$0")" && pwd)"
exec bash "$TOOLS/torchrun.sh" "$3" "$TOOLS/test.py" "$1" "$2" "${@:4}"
