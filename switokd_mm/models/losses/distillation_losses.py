"""Cross-entropy plus a distillation term: the loss of every method here."""
from typing import Dict

import torch.nn.functional as F
from torch import Tensor

from .kl_divergence import distillation_kl


def ce_with_distillation(learner_logits: Tensor,
                         peer_logits: Tensor,
                         targets: Tensor,
                         kd_weight: float,
                         tau: float = 1.0,
                         ce_weight: float = 1.0) -> Dict[str, Tensor]:
    """``ce_weight * CE(y, z) + kd_weight * tau^2 * KL(p_peer || p)``.

    Args:
        learner_logits: logits of the network being trained, (B, K).
        peer_logits: logits it learns from (detached inside), (B, K).
        targets: target probabilities (one-hot or soft), (B, K).
        kd_weight: weight of the distillation term.
        tau: distillation temperature.
        ce_weight: weight of the cross-entropy term.

    Returns:
        dict: ``loss_ce`` and ``loss_kd`` (each weighted) and their sum
        ``loss``.
    """
    losses = {
        'loss_ce': ce_weight * F.cross_entropy(learner_logits, targets),
        'loss_kd': kd_weight * distillation_kl(learner_logits, peer_logits,
                                               tau)
    }
    losses['loss'] = sum(losses.values())
    return losses


def with_feature_terms(losses: Dict[str, Tensor],
                       feature_losses: Dict[str, Tensor]) -> Dict[str, Tensor]:
    """``losses`` (with a total ``loss``) plus feature distillation terms,
    added to the total.

    Args:
        losses: e.g. :func:`ce_with_distillation`'s result.
        feature_losses: ``loss_<name>`` terms of the same network.
    """
    if not feature_losses:
        return losses
    combined = {k: v for k, v in losses.items() if k != 'loss'}
    combined.update(feature_losses)
    combined['loss'] = losses['loss'] + sum(feature_losses.values())
    return combined
