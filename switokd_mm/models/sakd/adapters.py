"""SAKD's adapters: map a feature of one network to the shape of the other's
at the same spot, so that the graft network can route a sample through
either."""
from typing import Sequence

import torch.nn as nn


def build_adapter(in_shape: Sequence[int],
                  out_shape: Sequence[int]) -> nn.Module:
    """An adapter from features of ``in_shape`` to ``out_shape`` (per
    sample, without the batch), as the released ``ConvReg`` /
    ``LinearClassifier`` choose it.

    - feature maps ``(C, H, W)``: a 1x1 convolution for equal sizes, a 3x3
      stride-2 convolution to halve them, a 4x4 stride-2 transposed
      convolution to double them; then BatchNorm and ReLU;
    - vectors ``(C,)``: a linear layer.

    Raises:
        ValueError: shapes of different kinds, or a size ratio other than
            1, 2 or 1/2.
    """
    in_shape, out_shape = tuple(in_shape), tuple(out_shape)
    if len(in_shape) == len(out_shape) == 1:
        return nn.Linear(in_shape[0], out_shape[0])
    if len(in_shape) != 3 or len(out_shape) != 3:
        raise ValueError(f'SAKD adapter: a spot needs (C,) or (C, H, W) '
                         f'features in both networks; got {in_shape} and '
                         f'{out_shape}')
    (c_in, h_in, w_in), (c_out, h_out, w_out) = in_shape, out_shape
    if (h_in, w_in) == (h_out, w_out):
        conv = nn.Conv2d(c_in, c_out, kernel_size=1)
    elif (h_in, w_in) == (2 * h_out, 2 * w_out):
        conv = nn.Conv2d(c_in, c_out, kernel_size=3, stride=2, padding=1)
    elif (2 * h_in, 2 * w_in) == (h_out, w_out):
        conv = nn.ConvTranspose2d(
            c_in, c_out, kernel_size=4, stride=2, padding=1)
    else:
        raise ValueError(f'SAKD adapter: the spatial sizes of a spot must be '
                         f'equal or differ by a factor 2; got {in_shape} '
                         f'and {out_shape}')
    return nn.Sequential(conv, nn.BatchNorm2d(c_out), nn.ReLU(inplace=True))
