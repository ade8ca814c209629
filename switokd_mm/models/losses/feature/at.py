"""Attention transfer (Zagoruyko & Komodakis, ICLR 2017)."""
from typing import Optional

import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.registry import MODELS
from torch import Tensor

from .utils import check_shapes, weighted_batch_mean


def attention_map(features: Tensor, p: float = 2.0) -> Tensor:
    """The spatial attention of Zagoruyko & Komodakis: the channel mean of
    ``|A|^p``, flattened and L2-normalised per sample, ``(B, H*W)``."""
    return F.normalize(features.abs().pow(p).mean(1).flatten(1), dim=1)


@MODELS.register_module()
class ATLoss(nn.Module):
    """Attention transfer (the paper's Eq. 2): per sample, the mean squared
    difference of the two normalised attention maps
    (:func:`attention_map`); the channel counts may differ, the spatial
    sizes must agree. The paper's beta/2 with beta = 1000 is
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
        check_shapes('ATLoss', learner, source, slice(2, None))
        difference = attention_map(learner, self.p) - attention_map(
            source, self.p)
        return self.loss_weight * weighted_batch_mean(
            difference.pow(2).mean(1), weight)
