"""Wide ResNet WRN-d-k for 32x32 inputs (Zagoruyko & Komodakis, 2016)."""
from typing import Sequence, Tuple

import torch.nn as nn
from mmpretrain.models.backbones.base_backbone import BaseBackbone
from mmpretrain.registry import MODELS
from torch import Tensor

from .utils import check_out_indices, forward_stages

VARIANTS = ('zagoruyko', 'wide-resnet.pytorch')


class PreActBlock(nn.Module):
    """Pre-activation basic block (BN-ReLU-conv twice) with optional dropout.

    Args:
        in_channels: input channels.
        out_channels: output channels.
        stride: stride of the block.
        drop_rate: dropout probability between the two convolutions.
        variant: ``'zagoruyko'``: stride on the first convolution, no
            biases, a projection shortcut fed the pre-activated input;
            ``'wide-resnet.pytorch'``: stride on the second convolution,
            convolutions with biases, every shortcut fed the raw input.
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int,
                 drop_rate: float, variant: str) -> None:
        super().__init__()
        plain = variant == 'zagoruyko'
        stride1, stride2 = (stride, 1) if plain else (1, stride)
        self.shortcut_preact = plain
        self.bn1 = nn.BatchNorm2d(in_channels)
        self.conv1 = nn.Conv2d(
            in_channels, out_channels, 3, stride1, 1, bias=not plain)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(
            out_channels, out_channels, 3, stride2, 1, bias=not plain)
        self.relu = nn.ReLU(inplace=True)
        self.dropout = nn.Dropout(
            drop_rate) if drop_rate > 0 else nn.Identity()
        self.shortcut = None
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Conv2d(
                in_channels, out_channels, 1, stride, bias=not plain)

    def forward(self, x: Tensor) -> Tensor:
        pre = self.relu(self.bn1(x))
        residual = x
        if self.shortcut is not None:
            residual = self.shortcut(pre if self.shortcut_preact else x)
        out = self.conv1(pre)
        out = self.conv2(self.dropout(self.relu(self.bn2(out))))
        return out + residual


@MODELS.register_module()
class WideResNet(BaseBackbone):
    """WRN-depth-width: WRN-16-1/2/4/8/10, WRN-40-2, ...

    Three stages of (depth - 4) / 6 pre-activation blocks with 16k, 32k and
    64k channels, closed by a BN-ReLU. Two variants, both used by the
    paper's released code:

    - ``'zagoruyko'`` (default): the WRN paper's network, as in the released
      ``wrn-40-2.py`` (Table 5's WRN-40-2 teacher): stride on a block's first
      convolution, no biases. WRN-16-2: 0.70M parameters, 101M MACs with a
      100-class head.
    - ``'wide-resnet.pytorch'``: the released ``wrnet.py`` behind every
      WRN-16-k of the paper (Tables 2-4, 7, Fig. 5): stride on a block's
      second convolution (so its first convolution runs at full
      resolution), convolutions with biases, shortcuts fed the raw input,
      final BN with momentum 0.9. WRN-16-2: 0.70M parameters, 129M MACs.
      The released file builds a dropout of 0.3 that its forward never
      calls: use ``drop_rate=0``.

    Args:
        depth: network depth, 6n + 4.
        widen_factor: the width multiplier k.
        in_channels: input image channels.
        drop_rate: dropout inside the blocks.
        variant: ``'zagoruyko'`` or ``'wide-resnet.pytorch'``.
        out_indices: stages whose outputs are returned; the last stage's
            output passes through the final BN-ReLU.
        init_cfg: mmengine initialisation config.
    """

    def __init__(self,
                 depth: int = 16,
                 widen_factor: int = 2,
                 in_channels: int = 3,
                 drop_rate: float = 0.0,
                 variant: str = 'zagoruyko',
                 out_indices: Sequence[int] = (2, ),
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        if depth < 10 or (depth - 4) % 6 != 0:
            raise ValueError(f'WideResNet: depth must be 6n + 4 with n >= 1 '
                             f'(e.g. 16, 28, 40), got {depth}')
        if widen_factor < 1:
            raise ValueError(f'WideResNet: widen_factor must be >= 1, got '
                             f'{widen_factor}')
        if variant not in VARIANTS:
            raise ValueError(f'WideResNet: variant must be one of {VARIANTS}, '
                             f'got {variant!r}')
        self.out_indices = check_out_indices(out_indices, 3, 'WideResNet')
        plain = variant == 'zagoruyko'
        blocks_per_stage = (depth - 4) // 6
        self.stem = nn.Conv2d(in_channels, 16, 3, 1, 1, bias=not plain)
        self.stages = nn.ModuleList()
        channels = 16
        for index in range(3):
            out_channels = 16 * 2**index * widen_factor
            blocks = []
            for block_index in range(blocks_per_stage):
                stride = 2 if index > 0 and block_index == 0 else 1
                blocks.append(
                    PreActBlock(channels, out_channels, stride, drop_rate,
                                variant))
                channels = out_channels
            self.stages.append(nn.Sequential(*blocks))
        # pre-activation blocks leave the last output un-normalised: the
        # final BN-ReLU closes the last stage
        self.stages[-1].append(
            nn.BatchNorm2d(channels, momentum=0.1 if plain else 0.9))
        self.stages[-1].append(nn.ReLU(inplace=True))

    def forward(self, x: Tensor) -> Tuple[Tensor, ...]:
        return forward_stages(self.stem(x), self.stages, self.out_indices)
