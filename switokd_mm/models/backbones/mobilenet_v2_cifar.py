"""MobileNetV2 for 32x32 inputs, as in the paper's released CIFAR code."""
from typing import Optional, Sequence

import torch.nn as nn
from mmcv.cnn import ConvModule
from mmpretrain.models.backbones import MobileNetV2
from mmpretrain.models.backbones.base_backbone import BaseBackbone
from mmpretrain.registry import MODELS


@MODELS.register_module()
class MobileNetV2Cifar(MobileNetV2):
    """The CIFAR MobileNetV2 of the released ``mobilenetv2.py``
    (``mobile_half``, from the CRD/RCO code bases).

    mmpretrain's MobileNetV2 (its blocks, forward, ``frozen_stages`` and
    ``norm_eval``) built with the released network's choices where they
    differ from mmpretrain's ImageNet network:

    - ``arch_settings``: the second stage strides 1 (ImageNet: 2); with the
      stride-2 stem a 32x32 image leaves the last stage at 2x2;
    - widths ``int(c * widen_factor)`` (mmpretrain rounds to multiples of
      8: 0.5x has 12 channels in stage 2, not 16); the last 1x1 convolution
      keeps 1280 channels up to 1x;
    - ReLU activations (mmpretrain: ReLU6);
    - the t = 1 block keeps its 1x1 expansion convolution (mmpretrain drops
      it).

    0.5x: 0.81M parameters and 6.5M MACs with a 100-class head, the paper's
    CIFAR-100 student (Tables 2-4). mmpretrain's own ``MobileNetV2`` is the
    released Tiny-ImageNet 1.4x network (torchvision's) unchanged.

    Args:
        widen_factor: width multiplier.
        out_indices: outputs to return: 0-6 the block stages, 7 the last
            1x1 convolution.
        frozen_stages: stages to freeze (-1: none).
        conv_cfg: convolution config.
        norm_cfg: normalisation config.
        act_cfg: activation of the convolutions.
        norm_eval: keep the BN layers in eval mode while training.
        with_cp: gradient checkpointing inside the blocks.
        init_cfg: mmengine initialisation config (mmpretrain's default).
    """
    # expand ratio, channels, blocks, stride: stage 2 strides 1 (ImageNet: 2)
    arch_settings = [[1, 16, 1, 1], [6, 24, 2, 1], [6, 32, 3, 2],
                     [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2],
                     [6, 320, 1, 1]]

    def __init__(self,
                 widen_factor: float = 1.0,
                 out_indices: Sequence[int] = (7, ),
                 frozen_stages: int = -1,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: dict = dict(type='BN'),
                 act_cfg: dict = dict(type='ReLU'),
                 norm_eval: bool = False,
                 with_cp: bool = False,
                 init_cfg: Optional[list] = None) -> None:
        # mmpretrain's __init__ hard-codes its width rounding: the layers are
        # built here, under its names, so that its methods apply
        BaseBackbone.__init__(self, init_cfg or [
            dict(type='Kaiming', layer=['Conv2d']),
            dict(type='Constant', val=1, layer=['_BatchNorm', 'GroupNorm'])
        ])
        if any(i not in range(8) for i in out_indices) or (frozen_stages
                                                           not in range(
                                                               -1, 8)):
            raise ValueError('MobileNetV2Cifar: out_indices must lie in '
                             '[0, 8) and frozen_stages in [-1, 8), got '
                             f'{out_indices}, {frozen_stages}')
        self.widen_factor = widen_factor
        self.out_indices = out_indices
        self.frozen_stages = frozen_stages
        self.conv_cfg = conv_cfg
        self.norm_cfg = norm_cfg
        self.act_cfg = act_cfg
        self.norm_eval = norm_eval
        self.with_cp = with_cp
        self.in_channels = int(32 * widen_factor)
        self.conv1 = self._conv(3, self.in_channels, 3, stride=2)
        self.layers = []
        for i, (expand, channels, blocks, stride) in enumerate(
                self.arch_settings):
            self.add_module(
                f'layer{i + 1}',
                self.make_layer(int(channels * widen_factor), blocks, stride,
                                expand))
            self.layers.append(f'layer{i + 1}')
        self.out_channel = (
            int(1280 * widen_factor) if widen_factor > 1.0 else 1280)
        self.add_module('conv2',
                        self._conv(self.in_channels, self.out_channel, 1))
        self.layers.append('conv2')
        self._freeze_stages()

    def _conv(self, in_channels: int, out_channels: int, kernel_size: int,
              stride: int = 1) -> ConvModule:
        return ConvModule(
            in_channels,
            out_channels,
            kernel_size,
            stride=stride,
            padding=kernel_size // 2,
            conv_cfg=self.conv_cfg,
            norm_cfg=self.norm_cfg,
            act_cfg=self.act_cfg)

    def make_layer(self, out_channels: int, num_blocks: int, stride: int,
                   expand_ratio: int) -> nn.Sequential:
        """mmpretrain's blocks; a t = 1 block gets back its 1x1 expansion."""
        in_channels = self.in_channels
        layer = super().make_layer(out_channels, num_blocks, stride,
                                   expand_ratio)
        if expand_ratio == 1:
            for block in layer:
                block.conv.insert(0,
                                  self._conv(in_channels, in_channels, 1))
                in_channels = out_channels
        return layer
