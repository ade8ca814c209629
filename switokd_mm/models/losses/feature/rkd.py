"""Relational knowledge distillation (Park et al., CVPR 2019)."""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.registry import MODELS
from torch import Tensor

from .utils import flattened_pair, selected_relational


def pairwise_differences(embeddings: Tensor) -> Tensor:
    """``[i, j] = x_i - x_j`` of ``(B, D)`` embeddings, ``(B, B, D)``."""
    return embeddings.unsqueeze(1) - embeddings.unsqueeze(0)


def distinct_pairs(size: int, device: torch.device) -> Tensor:
    """``(B, B)`` mask of the ordered pairs ``i != j``."""
    return ~torch.eye(size, dtype=torch.bool, device=device)


def distinct_triplets(size: int, device: torch.device) -> Tensor:
    """``(B, B, B)`` mask of the ordered triplets of three different
    samples."""
    index = torch.arange(size, device=device)
    i, j, k = index[:, None, None], index[None, :, None], index[None, None, :]
    return (i != j) & (j != k) & (i != k)


def distance_potential(embeddings: Tensor, eps: float = 1e-12) -> Tensor:
    """The paper's ``psi_D(x_i, x_j) = |x_i - x_j|_2 / mu``, ``mu`` the
    mean distance over the distinct pairs, ``(B, B)`` (the diagonal is
    meaningless).

    Args:
        embeddings: ``(B, D)``, B >= 2.
        eps: the squared distances are clamped to it before the square
            root, whose gradient at 0 is infinite (the diagonal, or two
            equal samples), and so is ``mu`` (all samples equal).
    """
    distances = pairwise_differences(embeddings).pow(2).sum(2).clamp_min(
        eps).sqrt()
    pairs = distinct_pairs(len(embeddings), embeddings.device)
    return distances / distances[pairs].mean().clamp_min(eps)


def angle_potential(embeddings: Tensor, eps: float = 1e-12) -> Tensor:
    """The paper's ``psi_A(x_i, x_j, x_k) = cos angle(x_i x_j x_k) =
    e_ij . e_kj`` with ``e_ij = (x_i - x_j) / |x_i - x_j|_2``: the cosine
    of the angle at ``x_j``, ``[i, j, k]``, ``(B, B, B)``.

    Args:
        embeddings: ``(B, D)``.
        eps: a difference of squared norm up to ``eps`` (the diagonal, or
            two equal samples) has no direction: its ``e`` is 0 and passes
            no gradient (a clamped norm, as in ``F.normalize``, would pass
            one of order ``1 / eps``).
    """
    differences = pairwise_differences(embeddings)
    squared = differences.pow(2).sum(2, keepdim=True)
    units = torch.where(squared > eps,
                        differences / squared.clamp_min(eps).sqrt(),
                        torch.zeros_like(differences))
    return torch.einsum('ijd,kjd->ijk', units, units)


@MODELS.register_module()
class RKDLoss(nn.Module):
    """Relational knowledge distillation: the learner's embeddings are to
    keep the source's distances and angles between samples::

        L = distance_weight * mean_{i != j} l(psi_D(t_i, t_j),
                                             psi_D(s_i, s_j))
          + angle_weight * mean_{i, j, k distinct} l(psi_A(t_i, t_j, t_k),
                                                     psi_A(s_i, s_j, s_k))

    with ``psi_D`` the distance normalised by the network's mean distance
    over the distinct pairs (:func:`distance_potential`), ``psi_A`` the
    cosine of the angle at the middle sample (:func:`angle_potential`) and
    ``l`` the Huber loss with delta = 1 (smooth L1). The embeddings may
    have different dimensions; ``(B, ...)`` features are flattened.

    The paper writes both terms as sums over its pairs and triplets; its
    weights (25 and 50, the defaults) were used with the authors' code,
    which averages. That code and HobbitLong/RepDistiller
    (``distiller_zoo/RKD.py``) average over all ``B^2`` ordered pairs and
    ``B^3`` ordered triplets, the degenerate ones (a repeated index), which
    add 0, included: their terms are ``(B - 1) / B`` and
    ``(B - 1)(B - 2) / B^2`` times these. Averaging over the distinct pairs
    and triplets only keeps the terms' scale for any number of (selected)
    samples. Their ``mu`` is the mean of the positive distances: the same
    unless two samples coincide.

    The loss relates samples, so a 0/1 ``weight`` selects the samples it is
    computed on (:func:`~.utils.selected_relational`). Two samples have no
    angle: the angle term is then 0.

    Args:
        distance_weight: the distance term's weight (the paper: 25).
        angle_weight: the angle term's weight (the paper: 50).
        loss_weight: the term's weight.
        eps: guards the distances' square root and their mean, and
            marks the differences too small to have a direction.
    """

    def __init__(self,
                 distance_weight: float = 25.0,
                 angle_weight: float = 50.0,
                 loss_weight: float = 1.0,
                 eps: float = 1e-12) -> None:
        super().__init__()
        self.distance_weight, self.angle_weight = distance_weight, angle_weight
        self.loss_weight, self.eps = loss_weight, eps

    def _batch_loss(self, learner: Tensor, source: Tensor) -> Tensor:
        size = len(learner)
        if size < 2:  # no pair: nothing to relate
            return (learner * 0).sum()
        pairs = distinct_pairs(size, learner.device)
        loss = self.distance_weight * F.smooth_l1_loss(
            distance_potential(learner, self.eps)[pairs],
            distance_potential(source, self.eps)[pairs])
        if size > 2:
            triplets = distinct_triplets(size, learner.device)
            loss = loss + self.angle_weight * F.smooth_l1_loss(
                angle_potential(learner, self.eps)[triplets],
                angle_potential(source, self.eps)[triplets])
        return loss

    def forward(self,
                learner: Tensor,
                source: Tensor,
                weight: Optional[Tensor] = None) -> Tensor:
        learner, source = flattened_pair('RKDLoss', learner, source)
        return self.loss_weight * selected_relational(self._batch_loss,
                                                      learner, source, weight)
