"""FFSD's self-distillation decoder."""
from typing import List, Optional

import torch.nn as nn
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS
from torch import Tensor


@MODELS.register_module()
class FeatureDecoder(BaseModule):
    """From a last feature map ``(B, C, H, W)`` back to the shapes of the
    earlier stages: ``num_blocks`` blocks of [transposed 3x3 convolution,
    stride 2, padding 1, output padding 1, no bias; BN; ReLU], each halving
    the channels and doubling the size.

    Args:
        channels: C, the last stage's channels.
        num_blocks: K - 1, the number of earlier stages.
        init_cfg: mmengine initialisation config (default: PyTorch's, as
            released).
    """

    def __init__(self,
                 channels: int,
                 num_blocks: int,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if num_blocks < 1 or channels % 2**num_blocks:
            raise ValueError(
                f'FeatureDecoder: {num_blocks} blocks halve {channels} '
                f'channels {num_blocks} times; they must divide evenly')
        self.blocks = nn.ModuleList()
        for block in range(num_blocks):
            width = channels // 2**block
            self.blocks.append(
                nn.Sequential(
                    nn.ConvTranspose2d(
                        width,
                        width // 2,
                        3,
                        stride=2,
                        padding=1,
                        output_padding=1,
                        bias=False), nn.BatchNorm2d(width // 2),
                    nn.ReLU(inplace=True)))

    def forward(self, features: Tensor) -> List[Tensor]:
        """The blocks' outputs, earliest stage first (``G^1 ... G^{K-1}``,
        the shapes of ``F^1 ... F^{K-1}``)."""
        outputs = []
        for block in self.blocks:
            features = block(features)
            outputs.append(features)
        return outputs[::-1]
