"""Probabilistic knowledge transfer (Passalis & Tefas, ECCV 2018)."""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.registry import MODELS
from torch import Tensor

from .utils import flattened_pair, selected_relational


def conditional_probabilities(embeddings: Tensor, eps: float = 1e-7) -> Tensor:
    """The paper's ``p_{j|i}``: the cosine kernel ``K(x_i, x_j) =
    (cos(x_i, x_j) + 1) / 2`` in ``[0, 1]``, normalised over ``j != i``,
    ``(B, B)`` with a zero diagonal.

    Args:
        embeddings: ``(B, D)``.
        eps: floor of a row's sum (all of a sample's neighbours opposite to
            it give a zero row instead of 0 / 0).
    """
    units = F.normalize(embeddings, dim=1)
    kernel = (units @ units.t() + 1) / 2
    # a sample is not its own neighbour: p_{i|i} is left out of the density
    self_pairs = torch.eye(len(kernel), dtype=torch.bool, device=kernel.device)
    kernel = kernel.masked_fill(self_pairs, 0)
    return kernel / kernel.sum(1, keepdim=True).clamp_min(eps)


@MODELS.register_module()
class PKTLoss(nn.Module):
    """Probabilistic knowledge transfer: the learner is to give the same
    conditional probabilities of neighbours as the source
    (:func:`conditional_probabilities`, the cosine kernel estimate of the
    paper), by the divergence::

        L = mean_{i != j} p_{j|i} log((p_{j|i} + eps) / (q_{j|i} + eps))

    with ``p`` the source's and ``q`` the learner's probabilities, over the
    ``B (B - 1)`` ordered pairs of different samples; the small ``eps``
    keeps the logarithm finite. The embeddings may have different
    dimensions; ``(B, ...)`` features are flattened.

    The paper sums over the pairs, ``B (B - 1)`` times this mean (for a
    fixed batch size a constant that ``loss_weight`` absorbs), and leaves
    ``j = i`` out of each conditional distribution. The authors' code and
    HobbitLong/RepDistiller (``distiller_zoo/PKT.py``) keep it in: each row
    is normalised with the self-similarity 1 included and the mean is over
    all ``B^2`` entries, so their numbers differ from these by more than a
    constant.

    The loss relates samples, so a 0/1 ``weight`` selects the samples the
    probabilities are estimated from (:func:`~.utils.selected_relational`).
    Between two samples the conditional probabilities are 1 whatever the
    features: the loss is then 0.

    Args:
        loss_weight: the term's weight.
        eps: the logarithm's guard (the authors' code: 1e-7).
    """

    def __init__(self, loss_weight: float = 1.0, eps: float = 1e-7) -> None:
        super().__init__()
        self.loss_weight, self.eps = loss_weight, eps

    def _batch_loss(self, learner: Tensor, source: Tensor) -> Tensor:
        if len(learner) < 2:  # no pair: nothing to relate
            return (learner * 0).sum()
        target = conditional_probabilities(source, self.eps)
        model = conditional_probabilities(learner, self.eps)
        divergence = target * torch.log(
            (target + self.eps) / (model + self.eps))
        pairs = ~torch.eye(
            len(learner), dtype=torch.bool, device=learner.device)
        return divergence[pairs].mean()

    def forward(self,
                learner: Tensor,
                source: Tensor,
                weight: Optional[Tensor] = None) -> Tensor:
        learner, source = flattened_pair('PKTLoss', learner, source)
        return self.loss_weight * selected_relational(self._batch_loss,
                                                      learner, source, weight)
