"""Similarity-preserving knowledge distillation (Tung & Mori, ICCV 2019)."""
from typing import Optional

import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.registry import MODELS
from torch import Tensor

from .utils import flattened_pair, selected_relational


def similarity_matrix(features: Tensor) -> Tensor:
    """The paper's ``G``: the ``(B, B)`` inner products of the samples'
    flattened features, each row L2-normalised."""
    flattened = features.flatten(1)
    return F.normalize(flattened @ flattened.t(), dim=1)


def similarity_loss(learner: Tensor, source: Tensor) -> Tensor:
    """``|G_source - G_learner|_F^2 / B^2`` of one batch (the paper's
    loss for one pair of layers)."""
    difference = similarity_matrix(source) - similarity_matrix(learner)
    return difference.pow(2).sum() / len(learner)**2


@MODELS.register_module()
class SPLoss(nn.Module):
    """Similarity preservation: the learner is to relate the samples of a
    batch as the source does. With ``Q`` a network's features of the batch
    flattened to ``(B, N)``, ``G = Q Q^T`` with each row L2-normalised, and
    the loss is::

        L_SP = |G_T - G_S|_F^2 / B^2

    The feature sizes of the two networks may differ (``G`` is ``B x B``
    for both); only the batches must agree. The paper's gamma is
    ``loss_weight``. HobbitLong/RepDistiller (``distiller_zoo/SP.py``)
    computes the same quantity.

    The loss relates samples, so a 0/1 ``weight`` selects the samples the
    matrices are built from (:func:`~.utils.selected_relational`).

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
        learner, source = flattened_pair('SPLoss', learner, source)
        return self.loss_weight * selected_relational(similarity_loss, learner,
                                                      source, weight)
