"""Distillation loss between two networks' logits."""
import torch.nn.functional as F
from torch import Tensor


def distillation_kl(learner_logits: Tensor,
                    target_logits: Tensor,
                    tau: float = 1.0) -> Tensor:
    """``tau^2 * KL(p_target^tau || p_learner^tau)`` with batchmean reduction.

    The target distribution is detached: each network only learns from the
    other's prediction, it never pushes it. The ``tau^2`` factor keeps the
    gradient's scale independent of the temperature (Hinton et al., 2015).

    Args:
        learner_logits: logits of the network being trained, shape (B, K).
        target_logits: logits of the network it imitates, shape (B, K).
        tau: softmax temperature.

    Returns:
        Tensor: the scalar loss.
    """
    log_p_learner = F.log_softmax(learner_logits / tau, dim=1)
    log_p_target = F.log_softmax(target_logits.detach() / tau, dim=1)
    kl = F.kl_div(
        log_p_learner, log_p_target, reduction='batchmean', log_target=True)
    return kl * tau**2
