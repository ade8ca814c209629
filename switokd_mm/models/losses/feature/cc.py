"""Correlation congruence (Peng et al., ICCV 2019)."""
import math
from typing import Optional

import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.registry import MODELS
from torch import Tensor

from .utils import selected_relational

KERNELS = ('gaussian', 'bilinear')


def pooled(features: Tensor) -> Tensor:
    """``(B, C, H, W)`` -> ``(B, C)`` by global average pooling; ``(B, C)``
    as it is."""
    return features.mean((2, 3)) if features.dim() == 4 else features


def taylor_gaussian(gram: Tensor, gamma: float, order: int) -> Tensor:
    """The Gaussian RBF kernel ``exp(-gamma * |x - y|^2)`` of unit vectors,
    from their inner products, by its Taylor series (the paper's)::

        k(x, y) = exp(-2 gamma) exp(2 gamma x.y)
                ~ sum_{p=0..P} exp(-2 gamma) (2 gamma)^p / p! (x.y)^p

    Args:
        gram: inner products of unit vectors, any shape.
        gamma: the kernel's gamma.
        order: P, the order of the series.
    """
    kernel = gram.new_zeros(gram.shape)
    for p in range(order + 1):
        coefficient = math.exp(-2 * gamma) * (2 * gamma)**p / math.factorial(p)
        kernel = kernel + coefficient * gram.pow(p)
    return kernel


@MODELS.register_module()
class CCLoss(nn.Module):
    """Correlation congruence: each network's pooled features are embedded
    (a linear layer per network, trained with the learner) and
    L2-normalised, ``f``; the correlation matrix of a batch is
    ``C_ij = k(f_i, f_j)`` and the loss is the paper's
    ``|C_source - C_learner|_F^2 / B^2``.

    The kernel is the paper's choice, the Gaussian RBF approximated by its
    Taylor series of order ``order`` (P = 2, gamma = 0.4;
    :func:`taylor_gaussian`), or ``'bilinear'``, ``C = F F^T``.

    Both embeddings are the loss's parameters, stepped by the learner's
    optimizer (as in RepDistiller): the source's embedding also minimises
    the loss, and nothing in the loss keeps the two from collapsing
    towards constant embeddings, where it is 0.

    The loss relates samples, so a 0/1 ``weight`` selects the samples the
    matrices are built from (:func:`~.utils.selected_relational`).

    This follows the paper. The widely used code (HobbitLong/RepDistiller,
    ``distiller_zoo/CC.py``, credited to the paper's authors) computes a
    different, simplified quantity on the same unit embeddings: with
    ``d_i = |f_source,i - f_learner,i|`` (elementwise), the batch mean of
    the inner products ``d_i . d_(i+1)`` of consecutive samples; no kernel
    and no B x B correlation matrix. Numbers from that code are not this
    loss's.

    Args:
        student_channels: channels of the learner's features.
        teacher_channels: channels of the source's features.
        embed_dim: the embeddings' dimension (RepDistiller's 128).
        kernel: ``'gaussian'`` (the paper's) or ``'bilinear'``.
        gamma: the Gaussian kernel's gamma (the paper: 0.4).
        order: the order P of its Taylor series (the paper: 2).
        loss_weight: the term's weight.

    Features are ``(B, C)`` or ``(B, C, H, W)`` (globally average-pooled
    here; the two spatial sizes may differ).
    """

    def __init__(self,
                 student_channels: int,
                 teacher_channels: int,
                 embed_dim: int = 128,
                 kernel: str = 'gaussian',
                 gamma: float = 0.4,
                 order: int = 2,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if kernel not in KERNELS:
            raise ValueError(f'CCLoss: kernel must be one of {KERNELS}; got '
                             f'{kernel!r}')
        if order < 0:
            raise ValueError(f'CCLoss: the Taylor order must be >= 0; got '
                             f'{order}')
        self.student_channels = student_channels
        self.teacher_channels = teacher_channels
        self.kernel, self.gamma, self.order = kernel, gamma, order
        self.loss_weight = loss_weight
        self.student_embed = nn.Linear(student_channels, embed_dim)
        self.teacher_embed = nn.Linear(teacher_channels, embed_dim)

    def correlation(self, embedded: Tensor) -> Tensor:
        """The ``(B, B)`` correlation matrix of unit embeddings ``(B, D)``."""
        gram = embedded @ embedded.t()
        if self.kernel == 'bilinear':
            return gram
        return taylor_gaussian(gram, self.gamma, self.order)

    def _check(self, learner: Tensor, source: Tensor) -> None:
        sides = (('learner', learner, self.student_channels),
                 ('source', source, self.teacher_channels))
        for side, features, channels in sides:
            if features.dim() not in (2, 4) or features.shape[1] != channels:
                raise ValueError(
                    f"CCLoss: the {side}'s features must be (B, {channels}) "
                    f'or (B, {channels}, H, W); got {tuple(features.shape)}')
        if len(learner) != len(source):
            raise ValueError(
                f"CCLoss: the learner's and the source's batches differ: "
                f'{tuple(learner.shape)} and {tuple(source.shape)}')

    def _batch_loss(self, learner: Tensor, source: Tensor) -> Tensor:
        learner = F.normalize(self.student_embed(learner), dim=1)
        source = F.normalize(self.teacher_embed(source), dim=1)
        difference = self.correlation(source) - self.correlation(learner)
        return difference.pow(2).sum() / len(learner)**2

    def forward(self,
                learner: Tensor,
                source: Tensor,
                weight: Optional[Tensor] = None) -> Tensor:
        self._check(learner, source)
        return self.loss_weight * selected_relational(
            self._batch_loss, pooled(learner), pooled(source), weight)
