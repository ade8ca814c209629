"""Feature distillation losses, registered in mmpretrain's ``MODELS``.

Each is an ``nn.Module`` with a ``loss_weight``, called as ``loss(learner,
source, weight=None)`` on a learner's feature map (after its connector, if
the term has one) and the feature map it learns from, both ``(B, C, H, W)``.
``weight`` (``(B,)``) weighs each sample: a sample of weight 0 contributes
nothing, and no gradient (spot-adaptive distillation picks samples this
way). The result is ``loss_weight`` times the batch mean of the weighted
per-sample losses.
"""
from typing import Optional

import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.registry import MODELS
from torch import Tensor


def weighted_batch_mean(per_sample: Tensor,
                        weight: Optional[Tensor] = None) -> Tensor:
    """Mean over the batch of ``per_sample * weight`` (``weight`` None: 1).

    Args:
        per_sample: ``(B,)`` losses.
        weight: ``(B,)`` sample weights.
    """
    if weight is not None:
        per_sample = per_sample * weight.to(per_sample.dtype)
    return per_sample.mean()


def attention_map(features: Tensor, p: float = 2.0) -> Tensor:
    """The spatial attention of Zagoruyko & Komodakis: the channel mean of
    ``|A|^p``, flattened and L2-normalised per sample, ``(B, H*W)``."""
    return F.normalize(features.abs().pow(p).mean(1).flatten(1), dim=1)


def _check_shapes(name: str, learner: Tensor, source: Tensor,
                  dims: slice) -> None:
    if learner.dim() != 4 or learner.shape[dims] != source.shape[dims]:
        raise ValueError(
            f'{name}: the learner\'s and the source\'s features must be '
            f'(B, C, H, W) and agree in {dims}; got {tuple(learner.shape)} '
            f'and {tuple(source.shape)} (a connector maps the learner\'s '
            f'channels to the source\'s)')


@MODELS.register_module()
class ATLoss(nn.Module):
    """Attention transfer (Zagoruyko & Komodakis, ICLR 2017, Eq. 2): per
    sample, the mean squared difference of the two normalised attention
    maps (:func:`attention_map`); the channel counts may differ, the
    spatial sizes must agree. The paper's beta/2 with beta = 1000 is
    ``loss_weight=500`` on its sum; its released code uses the mean over
    positions, as here, with weight 1000 for beta.

    Args:
        loss_weight: the term's weight.
        p: the exponent of the attention map (the paper: 2).
    """

    def __init__(self, loss_weight: float = 1.0, p: float = 2.0) -> None:
        super().__init__()
        self.loss_weight, self.p = loss_weight, p

    def forward(self,
                learner: Tensor,
                source: Tensor,
                weight: Optional[Tensor] = None) -> Tensor:
        _check_shapes('ATLoss', learner, source, slice(2, None))
        difference = attention_map(learner, self.p) - attention_map(
            source, self.p)
        return self.loss_weight * weighted_batch_mean(
            difference.pow(2).mean(1), weight)


@MODELS.register_module()
class FitNetLoss(nn.Module):
    """FitNets' hint loss (Romero et al., ICLR 2015): per sample, the mean
    squared difference between the learner's features, mapped by its
    connector (the paper's regressor), and the source's hint features. The
    paper's 1/2 and sum over elements differ from this mean by a constant
    that ``loss_weight`` absorbs.

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
        _check_shapes('FitNetLoss', learner, source, slice(1, None))
        per_sample = (learner - source).pow(2).flatten(1).mean(1)
        return self.loss_weight * weighted_batch_mean(per_sample, weight)
