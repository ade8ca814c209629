"""ResNet-(6n+2) for 32x32 inputs (He et al., 2016, Sec. 4.2)."""
from typing import Sequence, Tuple

import torch.nn as nn
from mmpretrain.models.backbones.base_backbone import BaseBackbone
from mmpretrain.registry import MODELS
from torch import Tensor


class BasicBlock(nn.Module):
    """Two 3x3 convolutions with a residual connection (post-activation).

    Args:
        in_channels: input channels.
        out_channels: output channels.
        stride: stride of the first convolution.
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1):
        super().__init__()
        self.conv1 = nn.Conv2d(
            in_channels, out_channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU(inplace=True)
        self.shortcut = nn.Identity()
        if stride != 1 or in_channels != out_channels:
            # Projection shortcut: a 1x1 convolution matches shape and stride.
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride, bias=False),
                nn.BatchNorm2d(out_channels))

    def forward(self, x: Tensor) -> Tensor:
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + self.shortcut(x))


@MODELS.register_module()
class CifarResNet(BaseBackbone):
    """The thin CIFAR ResNet: ResNet-20/32/44/56/110 (depth = 6n + 2).

    Three stages of n basic blocks with 16, 32 and 64 channels (scaled by
    ``base_channels / 16``); ResNet-20 has 0.27M parameters with a 10-class
    linear head.

    Args:
        depth: network depth, 6n + 2 (8, 14, 20, 32, 44, 56, 110, ...).
        in_channels: input image channels.
        base_channels: channels of the stem and of the first stage.
        out_indices: stages whose outputs are returned.
        init_cfg: mmengine initialisation config.
    """

    def __init__(self,
                 depth: int = 20,
                 in_channels: int = 3,
                 base_channels: int = 16,
                 out_indices: Sequence[int] = (2, ),
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        if depth < 8 or (depth - 2) % 6 != 0:
            raise ValueError(f'CifarResNet: depth must be 6n + 2 with n >= 1 '
                             f'(e.g. 20, 32, 56, 110), got {depth}')
        self.out_indices = _check_out_indices(out_indices, 3, 'CifarResNet')
        blocks_per_stage = (depth - 2) // 6
        self.stem = nn.Sequential(
            nn.Conv2d(in_channels, base_channels, 3, 1, 1, bias=False),
            nn.BatchNorm2d(base_channels), nn.ReLU(inplace=True))
        self.stages = nn.ModuleList()
        channels = base_channels
        for index in range(3):
            out_channels = base_channels * 2**index
            blocks = []
            for block_index in range(blocks_per_stage):
                stride = 2 if index > 0 and block_index == 0 else 1
                blocks.append(BasicBlock(channels, out_channels, stride))
                channels = out_channels
            self.stages.append(nn.Sequential(*blocks))

    def forward(self, x: Tensor) -> Tuple[Tensor, ...]:
        return forward_stages(self.stem(x), self.stages, self.out_indices)


def forward_stages(x: Tensor, stages: nn.ModuleList,
                   out_indices: Sequence[int]) -> Tuple[Tensor, ...]:
    """Run ``x`` through the stages; return the outputs of ``out_indices``."""
    outs = []
    for index, stage in enumerate(stages):
        x = stage(x)
        if index in out_indices:
            outs.append(x)
    return tuple(outs)


def _check_out_indices(out_indices: Sequence[int], num_stages: int,
                       name: str) -> Tuple[int, ...]:
    """Validate stage indices (negative ones count from the end)."""
    indices = tuple(i % num_stages if -num_stages <= i < num_stages else i
                    for i in out_indices)
    bad = [i for i in indices if not 0 <= i < num_stages]
    if bad or not indices:
        raise ValueError(f'{name}: out_indices must be non-empty stage '
                         f'indices in [0, {num_stages}), got {out_indices}')
    return indices
