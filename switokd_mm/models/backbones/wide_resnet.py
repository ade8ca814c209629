"""Wide ResNet WRN-d-k for 32x32 inputs (Zagoruyko & Komodakis, 2016)."""
from typing import Sequence, Tuple

import torch.nn as nn
from mmpretrain.models.backbones.base_backbone import BaseBackbone
from mmpretrain.registry import MODELS
from torch import Tensor

from .cifar_resnet import _check_out_indices, forward_stages


class PreActBlock(nn.Module):
    """Pre-activation basic block (BN-ReLU-conv twice) with optional dropout.

    Args:
        in_channels: input channels.
        out_channels: output channels.
        stride: stride of the first convolution.
        drop_rate: dropout probability between the two convolutions.
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int,
                 drop_rate: float) -> None:
        super().__init__()
        self.bn1 = nn.BatchNorm2d(in_channels)
        self.conv1 = nn.Conv2d(
            in_channels, out_channels, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.relu = nn.ReLU(inplace=True)
        self.dropout = nn.Dropout(
            drop_rate) if drop_rate > 0 else nn.Identity()
        self.shortcut = None
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Conv2d(
                in_channels, out_channels, 1, stride, bias=False)

    def forward(self, x: Tensor) -> Tensor:
        pre = self.relu(self.bn1(x))
        # A projection shortcut sees the pre-activated input, as in the WRN
        # paper; an identity shortcut carries the raw input.
        residual = x if self.shortcut is None else self.shortcut(pre)
        out = self.conv1(pre)
        out = self.conv2(self.dropout(self.relu(self.bn2(out))))
        return out + residual


@MODELS.register_module()
class WideResNet(BaseBackbone):
    """WRN-depth-width: WRN-16-1/2/4/8/10, WRN-40-2, ...

    Three stages of (depth - 4) / 6 pre-activation blocks with 16k, 32k and
    64k channels. WRN-16-2 has 0.70M parameters with a 100-class linear head.

    Args:
        depth: network depth, 6n + 4.
        widen_factor: the width multiplier k.
        in_channels: input image channels.
        drop_rate: dropout inside the blocks.
        out_indices: stages whose outputs are returned; the last stage's
            output passes through the final BN-ReLU.
        init_cfg: mmengine initialisation config.
    """

    def __init__(self,
                 depth: int = 16,
                 widen_factor: int = 2,
                 in_channels: int = 3,
                 drop_rate: float = 0.0,
                 out_indices: Sequence[int] = (2, ),
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        if depth < 10 or (depth - 4) % 6 != 0:
            raise ValueError(f'WideResNet: depth must be 6n + 4 with n >= 1 '
                             f'(e.g. 16, 28, 40), got {depth}')
        if widen_factor < 1:
            raise ValueError(f'WideResNet: widen_factor must be >= 1, got '
                             f'{widen_factor}')
        self.out_indices = _check_out_indices(out_indices, 3, 'WideResNet')
        blocks_per_stage = (depth - 4) // 6
        self.stem = nn.Conv2d(in_channels, 16, 3, 1, 1, bias=False)
        self.stages = nn.ModuleList()
        channels = 16
        for index in range(3):
            out_channels = 16 * 2**index * widen_factor
            blocks = []
            for block_index in range(blocks_per_stage):
                stride = 2 if index > 0 and block_index == 0 else 1
                blocks.append(
                    PreActBlock(channels, out_channels, stride, drop_rate))
                channels = out_channels
            self.stages.append(nn.Sequential(*blocks))
        # pre-activation blocks leave the last output un-normalised: the
        # final BN-ReLU closes the last stage
        self.stages[-1].append(nn.BatchNorm2d(channels))
        self.stages[-1].append(nn.ReLU(inplace=True))

    def forward(self, x: Tensor) -> Tuple[Tensor, ...]:
        return forward_stages(self.stem(x), self.stages, self.out_indices)
