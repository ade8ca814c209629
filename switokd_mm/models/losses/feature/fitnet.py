"""FitNets' hint loss (Romero et al., ICLR 2015)."""
from typing import Optional

import torch.nn as nn
from mmpretrain.registry import MODELS
from torch import Tensor

from .utils import check_shapes, weighted_batch_mean


@MODELS.register_module()
class FitNetLoss(nn.Module):
    """Per sample, the mean squared difference between the learner's
    features, mapped by its connector (the paper's regressor), and the
    source's hint features. The paper's 1/2 and sum over elements differ
    from this mean by a constant that ``loss_weight`` absorbs.

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
        check_shapes('FitNetLoss', learner, source, slice(1, None))
        per_sample = (learner - source).pow(2).flatten(1).mean(1)
        return self.loss_weight * weighted_batch_mean(per_sample, weight)
