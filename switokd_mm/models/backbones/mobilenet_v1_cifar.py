"""MobileNet (v1) for 32x32 inputs (Howard et al., 2017)."""
from typing import Sequence, Tuple

import torch.nn as nn
from mmcv.cnn import ConvModule
from mmpretrain.models.backbones.base_backbone import BaseBackbone
from mmpretrain.registry import MODELS
from torch import Tensor

from .utils import check_out_indices, forward_stages


@MODELS.register_module()
class MobileNetV1Cifar(BaseBackbone):
    """MobileNet v1: a 3x3 stem and 13 depthwise-separable blocks.

    As in the MobileNet paper (channels 32 -> 64 -> ... -> 1024, widths
    scaled by ``widen_factor``), with the stem at stride 1 for 32x32 inputs;
    four stride-2 blocks bring the map to 2x2. Five stages, split at the
    downsamplings, can be returned.

    Args:
        widen_factor: width multiplier alpha.
        in_channels: input image channels.
        out_indices: stages to return (0-4).
        init_cfg: mmengine initialisation config.
    """
    # (output channels, stride) of each depthwise-separable block
    blocks = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
              (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2),
              (1024, 1)]

    def __init__(self,
                 widen_factor: float = 1.0,
                 in_channels: int = 3,
                 out_indices: Sequence[int] = (4, ),
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.out_indices = check_out_indices(out_indices, 5,
                                             'MobileNetV1Cifar')
        norm, act = dict(type='BN'), dict(type='ReLU')
        channels = int(32 * widen_factor)
        stages, layers = [], [
            ConvModule(
                in_channels, channels, 3, 1, 1, norm_cfg=norm, act_cfg=act)
        ]
        for out, stride in self.blocks:
            if stride == 2:  # a new stage starts at each downsampling
                stages.append(nn.Sequential(*layers))
                layers = []
            out = int(out * widen_factor)
            layers += [
                ConvModule(
                    channels,
                    channels,
                    3,
                    stride,
                    1,
                    groups=channels,
                    norm_cfg=norm,
                    act_cfg=act),
                ConvModule(channels, out, 1, norm_cfg=norm, act_cfg=act)
            ]
            channels = out
        stages.append(nn.Sequential(*layers))
        self.stages = nn.ModuleList(stages)

    def forward(self, x: Tensor) -> Tuple[Tensor, ...]:
        return forward_stages(x, self.stages, self.out_indices)
