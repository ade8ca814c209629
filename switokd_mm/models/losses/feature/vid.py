"""Variational information distillation (Ahn et al., CVPR 2019)."""
import math
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.registry import MODELS
from torch import Tensor

from .utils import weighted_batch_mean


def inverse_softplus(value: float) -> float:
    """``a`` with ``softplus(a) = log(1 + exp(a)) = value`` (> 0), written
    ``value + log(1 - exp(-value))`` so that a large value does not
    overflow."""
    return value + math.log(-math.expm1(-value))


@MODELS.register_module()
class VIDLoss(nn.Module):
    """Variational information distillation: the learner's features
    parameterise a Gaussian over the source's, with a mean from a
    regressor on the learner's map and a learned variance per channel, the
    same at every position (the paper's choice). The loss is the negative
    log-likelihood of the source's features: minimising it maximises a
    lower bound of the mutual information between the two (the source's
    entropy, the bound's other part, is a constant to the learner).

    Per sample, the mean over channels ``c`` and positions of::

        1/2 (log sigma_c^2 + (t - mu)^2 / sigma_c^2),

    the Gaussian negative log-likelihood without its constant
    ``log(2 pi) / 2``; ``mu`` is the regressor's output (1x1 convolutions,
    ``student_channels -> mid_channels -> mid_channels ->
    teacher_channels`` with ReLUs between), ``sigma_c^2 = softplus(alpha_c)
    + eps``. Regressor and variance are trained with the learner.

    As in the released code (and RepDistiller's copy of it): the
    convolutions have no bias, ``alpha`` starts where ``sigma^2 =
    init_var``, and maps of different spatial sizes are both
    average-pooled (adaptively) to the smaller height and width, the
    learner's before the regressor (RepDistiller pools to a square of the
    smaller height only).

    Args:
        student_channels: channels of the learner's features.
        teacher_channels: channels of the source's features.
        mid_channels: the regressor's hidden channels (None:
            ``teacher_channels``, as RepDistiller configures it).
        init_var: the variance at the start (the released 5.0).
        eps: keeps the variance from 0.
        loss_weight: the term's weight.
    """

    def __init__(self,
                 student_channels: int,
                 teacher_channels: int,
                 mid_channels: Optional[int] = None,
                 init_var: float = 5.0,
                 eps: float = 1e-5,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if not init_var > eps:
            raise ValueError(f'VIDLoss: init_var must exceed eps ({eps}); '
                             f'got {init_var}')
        mid_channels = mid_channels or teacher_channels
        self.student_channels = student_channels
        self.teacher_channels = teacher_channels
        self.eps, self.loss_weight = eps, loss_weight
        self.regressor = nn.Sequential(
            nn.Conv2d(student_channels, mid_channels, 1, bias=False),
            nn.ReLU(),
            nn.Conv2d(mid_channels, mid_channels, 1, bias=False),
            nn.ReLU(),
            nn.Conv2d(mid_channels, teacher_channels, 1, bias=False))
        self.alpha = nn.Parameter(
            torch.full((teacher_channels, ), inverse_softplus(init_var -
                                                              eps)))

    def variance(self) -> Tensor:
        """``sigma^2`` per channel, ``(C_teacher,)``."""
        return F.softplus(self.alpha) + self.eps

    def _check(self, learner: Tensor, source: Tensor) -> None:
        sides = (('learner', learner, self.student_channels),
                 ('source', source, self.teacher_channels))
        for side, features, channels in sides:
            if features.dim() != 4 or features.shape[1] != channels:
                raise ValueError(
                    f"VIDLoss: the {side}'s features must be "
                    f'(B, {channels}, H, W); got {tuple(features.shape)}')
        if len(learner) != len(source):
            raise ValueError(
                f"VIDLoss: the learner's and the source's batches differ: "
                f'{tuple(learner.shape)} and {tuple(source.shape)}')

    def forward(self,
                learner: Tensor,
                source: Tensor,
                weight: Optional[Tensor] = None) -> Tensor:
        self._check(learner, source)
        size = (min(learner.shape[2], source.shape[2]),
                min(learner.shape[3], source.shape[3]))
        # pooling a map to its own size is the identity: only the larger
        # map of each dimension changes
        if learner.shape[2:] != size:
            learner = F.adaptive_avg_pool2d(learner, size)
        if source.shape[2:] != size:
            source = F.adaptive_avg_pool2d(source, size)
        mean = self.regressor(learner)
        variance = self.variance().view(1, -1, 1, 1)
        nll = 0.5 * (variance.log() + (source - mean).pow(2) / variance)
        return self.loss_weight * weighted_batch_mean(
            nll.flatten(1).mean(1), weight)
