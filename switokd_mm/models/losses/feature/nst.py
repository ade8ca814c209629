"""Neuron selectivity transfer (Huang & Wang, "Like What You Like:
Knowledge Distill via Neuron Selectivity Transfer", 2017)."""
from typing import Optional, Tuple

import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.registry import MODELS
from torch import Tensor

from .utils import check_shapes, weighted_batch_mean


def channel_maps(features: Tensor, size: Tuple[int, int]) -> Tensor:
    """Each channel's activation map, average-pooled to ``size`` and
    flattened, with unit L2 norm: ``(B, C, H, W)`` -> ``(B, C, h*w)``.

    The paper normalises each map so that the kernel compares where the
    neurons fire, not how strongly a layer fires overall.
    """
    if tuple(features.shape[2:]) != tuple(size):
        features = F.adaptive_avg_pool2d(features, size)
    return F.normalize(features.flatten(2), dim=2)


def mean_polynomial_kernel(a: Tensor, b: Tensor) -> Tensor:
    """Per sample, the mean over all pairs of maps of ``(a_i . b_j)^2``
    (the polynomial kernel of degree 2, c = 0), ``(B,)``.

    Args:
        a: ``(B, C_a, N)`` maps.
        b: ``(B, C_b, N)`` maps.
    """
    return (a @ b.transpose(1, 2)).pow(2).mean((1, 2))


@MODELS.register_module()
class NSTLoss(nn.Module):
    """Neuron selectivity transfer: per sample, the squared maximum mean
    discrepancy between the distribution of the source's channel maps and
    that of the learner's (the paper's biased estimate)::

        MMD^2 = 1/C_T^2 sum_{i,i'} k(f_T^i, f_T^i')
              + 1/C_S^2 sum_{j,j'} k(f_S^j, f_S^j')
              - 2/(C_T C_S) sum_{i,j} k(f_T^i, f_S^j)

    with each channel's flattened map ``f`` L2-normalised and the paper's
    polynomial kernel ``k(x, y) = (x . y + c)^d`` with d = 2, c = 0. The
    channel counts may differ; where the spatial sizes differ, the larger
    map is adaptively average-pooled to the smaller, per dimension, so
    that the kernel compares maps over the same positions.

    The paper's total loss weighs this by lambda / 2; that factor is
    ``loss_weight``. HobbitLong/RepDistiller (``distiller_zoo/NST.py``)
    computes the same batch mean, but pools only to a square of the
    smaller height (it assumes square maps); here height and width are
    pooled separately.

    Args:
        loss_weight: the term's weight.
    """

    def __init__(self, loss_weight: float = 1.0) -> None:
        super().__init__()
        self.loss_weight = loss_weight

    def forward(self,
                learner: Tensor,
                source: Tensor,
                weight: Optional[Tensor] = None) -> Tensor:
        check_shapes('NSTLoss', learner, source, slice(0, 1))
        # the kernel compares positions: both maps to the smaller H and W
        size = tuple(map(min, zip(learner.shape[2:], source.shape[2:])))
        student = channel_maps(learner, size)
        teacher = channel_maps(source, size)
        per_sample = (
            mean_polynomial_kernel(teacher, teacher) +
            mean_polynomial_kernel(student, student) -
            2 * mean_polynomial_kernel(student, teacher))
        return self.loss_weight * weighted_batch_mean(per_sample, weight)
