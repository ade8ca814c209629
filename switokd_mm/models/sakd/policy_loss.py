"""SAKD's policy loss: the graft network's cross-entropy, weighed by whether
it beats the student's, and the hinge that keeps the logits distilled for
at least half the batch."""
from typing import Dict

import torch
from torch import Tensor


def weighted_graft_ce(graft_ce: Tensor, student_ce: Tensor,
                      gamma: float) -> Tensor:
    """``gamma * graft_ce`` when it is above ``student_ce``, ``graft_ce /
    gamma`` when below, ``graft_ce`` when equal (the released ``classify
    _weight`` rule; ``student_ce`` only chooses the branch)."""
    if bool(graft_ce > student_ce):
        return gamma * graft_ce
    if bool(graft_ce < student_ce):
        return graft_ce / gamma
    return graft_ce


def logit_hinge(last_decisions: Tensor) -> Tensor:
    """``max(0, B / 2 - sum_b a_b)`` of the logit spot's decisions (with
    their straight-through gradient)."""
    return torch.clamp(len(last_decisions) / 2 - last_decisions.sum(), min=0)


def policy_losses(graft_ce: Tensor, student_ce: Tensor, gamma: float,
                  last_decisions: Tensor) -> Dict[str, Tensor]:
    """``loss_graft`` (:func:`weighted_graft_ce`) and ``loss_hinge``
    (:func:`logit_hinge`)."""
    return dict(
        loss_graft=weighted_graft_ce(graft_ce, student_ce.detach(), gamma),
        loss_hinge=logit_hinge(last_decisions))
