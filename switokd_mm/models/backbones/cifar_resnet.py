"""ResNet-(6n+2) for 32x32 inputs (He et al., 2016, Sec. 4.2)."""
from typing import List, Optional, Sequence, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.models.backbones import ResNet_CIFAR
from mmpretrain.models.backbones.resnet import BasicBlock
from mmpretrain.registry import MODELS
from torch import Tensor

from .utils import check_out_indices


class ZeroPadShortcut(nn.Module):
    """He et al.'s option A: subsample, then zero-pad the new channels.

    Parameter-free: the input is subsampled by ``stride`` and the channels it
    lacks are zeros, added half before and half after the existing ones.

    Args:
        in_channels: input channels.
        out_channels: output channels (>= ``in_channels``).
        stride: spatial subsampling.
    """

    def __init__(self, in_channels: int, out_channels: int,
                 stride: int) -> None:
        super().__init__()
        self.extra = out_channels - in_channels
        self.stride = stride

    def forward(self, x: Tensor) -> Tensor:
        x = x[:, :, ::self.stride, ::self.stride]
        before = self.extra // 2
        return F.pad(x, (0, 0, 0, 0, before, self.extra - before))


@MODELS.register_module()
class CifarResNet(ResNet_CIFAR):
    """The thin CIFAR ResNet: ResNet-20/32/44/56/110 (depth = 6n + 2).

    mmpretrain's ``ResNet_CIFAR`` (3x3 stride-1 stem, no max-pool, its basic
    blocks) with three stages of n blocks at 16, 32 and 64 channels (scaled
    by ``base_channels / 16``). It adds the depths 6n + 2 (``ResNet_CIFAR``
    knows only the ImageNet depths 18-152) and the shortcut type of the
    blocks that change shape:

    - ``'A'``: zero-padding identity, parameter-free (He et al. Sec. 4.2
      and the authors' released ``resnet20.py``): ResNet-20 0.27M
      parameters, 40.6M MACs with a 10-class head.
    - ``'B'``: 1x1 convolution + BN projection (mmpretrain's ResLayer).

    The defaults (``'B'``, PyTorch's initialisation, no zero-initialised
    residual BN) keep the networks of existing configs; the paper's configs
    set ``shortcut='A'`` and the released initialisation.

    Args:
        depth: network depth, 6n + 2 (8, 14, 20, 32, 44, 56, 110, ...).
        in_channels: input image channels.
        base_channels: channels of the stem and of the first stage.
        shortcut: ``'A'`` (zero padding) or ``'B'`` (projection).
        out_indices: stages whose outputs are returned (negative ones count
            from the end).
        zero_init_residual: zero the last BN of every block (mmpretrain's
            ResNet default; the released models do not).
        init_cfg: mmengine initialisation config (None: PyTorch's).
        **kwargs: other arguments of mmpretrain's ``ResNet``.
    """
    arch_settings = {
        6 * n + 2: (BasicBlock, (n, n, n))
        for n in range(1, 201)
    }

    def __init__(self,
                 depth: int = 20,
                 in_channels: int = 3,
                 base_channels: int = 16,
                 shortcut: str = 'B',
                 out_indices: Sequence[int] = (2, ),
                 zero_init_residual: bool = False,
                 init_cfg: Optional[Union[dict, List[dict]]] = None,
                 **kwargs) -> None:
        if depth not in self.arch_settings:
            raise ValueError(f'CifarResNet: depth must be 6n + 2 with n >= 1 '
                             f'(e.g. 20, 32, 56, 110), got {depth}')
        if shortcut not in ('A', 'B'):
            raise ValueError(f"CifarResNet: shortcut must be 'A' or 'B', "
                             f'got {shortcut!r}')
        rng = torch.get_rng_state()
        super().__init__(
            depth,
            in_channels=in_channels,
            stem_channels=base_channels,
            base_channels=base_channels,
            num_stages=3,
            strides=(1, 2, 2),
            dilations=(1, 1, 1),
            out_indices=check_out_indices(out_indices, 3, 'CifarResNet'),
            zero_init_residual=zero_init_residual,
            init_cfg=init_cfg,
            **kwargs)
        self.shortcut = shortcut
        self._redraw_in_block_order(rng)
        if shortcut == 'A':
            for name in self.res_layers:
                block = getattr(self, name)[0]
                if block.downsample is not None:
                    block.downsample = ZeroPadShortcut(
                        block.in_channels, block.out_channels, block.stride)

    def _redraw_in_block_order(self, rng: Tensor) -> None:
        """Draw PyTorch's initial weights again in block order (stem, then
        each block's convolutions before its projection shortcut):
        mmpretrain's ResLayer builds a stage's projection before its first
        block, and this keeps, seed for seed, the initial weights (and the
        generator state after them) of this backbone's earlier
        implementation, with which the Fashion-MNIST results were
        recorded."""
        torch.set_rng_state(rng)
        self.conv1.reset_parameters()
        for name in self.res_layers:
            for block in getattr(self, name):
                block.conv1.reset_parameters()
                block.conv2.reset_parameters()
                if block.downsample is not None:
                    block.downsample[0].reset_parameters()
