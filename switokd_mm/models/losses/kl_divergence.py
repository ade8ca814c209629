"""Distillation loss between two networks' logits."""
import torch.nn.functional as F
from torch import Tensor


def distillation_kl(learner_logits: Tensor,
                    target_logits: Tensor,
                    tau: float = 1.0,
                    reduce: bool = True) -> Tensor:
    """``tau^2 * KL(p_target^tau || p_learner^tau)`` with batchmean reduction
    (per sample with ``reduce=False``).

    The target distribution is detached: each network only learns from the
    other's prediction, it never pushes it. The ``tau^2`` factor keeps the
    gradient's scale independent of the temperature (Hinton et al., 2015).

    Args:
        learner_logits: logits of the network being trained, shape (B, K).
        target_logits: logits of the network it imitates, shape (B, K).
        tau: softmax temperature.
        reduce: False gives each sample's KL, shape (B,), e.g. to weigh
            samples (their mean is the reduced loss).

    Returns:
        Tensor: the scalar loss, or the per-sample losses.
    """
    log_p_learner = F.log_softmax(learner_logits / tau, dim=1)
    log_p_target = F.log_softmax(target_logits.detach() / tau, dim=1)
    if not reduce:
        return F.kl_div(
            log_p_learner, log_p_target, reduction='none',
            log_target=True).sum(1) * tau**2
    kl = F.kl_div(
        log_p_learner, log_p_target, reduction='batchmean', log_target=True)
    return kl * tau**2
