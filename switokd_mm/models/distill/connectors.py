"""Connectors: small trainable modules that map a learner's features into
the space of the features it learns from (FitNets' regressor)."""
import torch.nn as nn
from mmpretrain.registry import MODELS
from torch import Tensor


@MODELS.register_module()
class ConvConnector(nn.Module):
    """A 1x1 convolution (FitNets' regressor, as RepDistiller's
    ``ConvReg`` for equal spatial sizes), optionally followed by
    BatchNorm.

    Args:
        in_channels: the learner's channels.
        out_channels: the source's channels.
        norm: add a BatchNorm after the convolution.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 norm: bool = True) -> None:
        super().__init__()
        self.conv = nn.Conv2d(
            in_channels, out_channels, kernel_size=1, bias=not norm)
        self.norm = nn.BatchNorm2d(out_channels) if norm else nn.Identity()

    def forward(self, features: Tensor) -> Tensor:
        return self.norm(self.conv(features))
