"""Helpers shared by the CIFAR backbones."""
from typing import Sequence, Tuple

import torch.nn as nn
from torch import Tensor


def forward_stages(x: Tensor, stages: nn.ModuleList,
                   out_indices: Sequence[int]) -> Tuple[Tensor, ...]:
    """Run ``x`` through the stages; return the outputs of ``out_indices``."""
    outs = []
    for index, stage in enumerate(stages):
        x = stage(x)
        if index in out_indices:
            outs.append(x)
    return tuple(outs)


def check_out_indices(out_indices: Sequence[int], num_stages: int,
                      name: str) -> Tuple[int, ...]:
    """Validate stage indices (negative ones count from the end)."""
    indices = tuple(i % num_stages if -num_stages <= i < num_stages else i
                    for i in out_indices)
    bad = [i for i in indices if not 0 <= i < num_stages]
    if bad or not indices:
        raise ValueError(f'{name}: out_indices must be non-empty stage '
                         f'indices in [0, {num_stages}), got {out_indices}')
    return indices
