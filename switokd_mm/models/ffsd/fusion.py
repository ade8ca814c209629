"""FFSD's fusion module and the leader's trans-fusion head."""
from typing import Optional, Tuple

import torch.nn as nn
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS
from torch import Tensor

#: the released initialisation: convolutions normal(0, sqrt(2 / fan-out)),
#: BatchNorm weight 1 and bias 0
RELEASED_INIT = [
    dict(type='Kaiming', mode='fan_out', layer='Conv2d'),
    dict(type='Constant', val=1, bias=0, layer='BatchNorm2d')
]


def depthwise_then_pointwise(in_channels: int, out_channels: int) -> list:
    """Depthwise 3x3 -> BN -> ReLU -> 1x1 -> BN -> ReLU, without biases."""
    return [
        nn.Conv2d(
            in_channels,
            in_channels,
            3,
            padding=1,
            groups=in_channels,
            bias=False),
        nn.BatchNorm2d(in_channels),
        nn.ReLU(inplace=True),
        nn.Conv2d(in_channels, out_channels, 1, bias=False),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(inplace=True),
    ]


@MODELS.register_module()
class FusionModule(BaseModule):
    """Fuses the students' last feature maps ``U`` (concatenated, ``(B, m
    C, H, W)``) into ``F_fus`` (``(B, C, H, W)``) and classifies it (global
    average pooling, linear): the leader's teacher.

    Args:
        channels: C, the channels of one student's last stage.
        num_students: m.
        num_classes: the classes of the linear classifier.
        init_cfg: mmengine initialisation config (default: the released).
    """

    def __init__(self,
                 channels: int,
                 num_students: int,
                 num_classes: int,
                 init_cfg: Optional[list] = None) -> None:
        super().__init__(init_cfg=init_cfg or RELEASED_INIT)
        self.fuse = nn.Sequential(
            *depthwise_then_pointwise(channels * num_students, channels))
        self.fc = nn.Linear(channels, num_classes)

    def forward(self, students_features: Tensor) -> Tuple[Tensor, Tensor]:
        """``(F_fus, z_fus)`` of the concatenated features."""
        fused = self.fuse(students_features)
        return fused, self.fc(fused.mean((2, 3)))


@MODELS.register_module()
class TransFusionHead(BaseModule):
    """The leader's training-only head: its last feature map ``(B, C, H,
    W)`` to ``(B, m C, H, W)``, whose attention learns the attention of the
    students' concatenated features.

    Args:
        channels: C.
        num_students: m.
        init_cfg: mmengine initialisation config (default: the released).
    """

    def __init__(self,
                 channels: int,
                 num_students: int,
                 init_cfg: Optional[list] = None) -> None:
        super().__init__(init_cfg=init_cfg or RELEASED_INIT)
        self.layers = nn.Sequential(
            *depthwise_then_pointwise(channels, channels * num_students))

    def forward(self, features: Tensor) -> Tensor:
        return self.layers(features)
