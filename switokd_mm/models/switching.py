"""The switching math of SwitOKD as small pure functions.

Notation follows the paper (Qian et al., ECCV 2022): ``p^tau = softmax(z /
tau)``, ``y`` the (one-hot or soft) target. Every statistic is a per-sample L1
distance *summed over the classes* and then averaged over the batch, as the
authors' released code computes it (the paper's Eq. 1 writes a 1/K factor that
the code does not apply). Each distance therefore lies in [0, 2].
"""
from typing import NamedTuple

import torch
from torch import Tensor


class GapStatistics(NamedTuple):
    """Batch statistics that drive the switch (0-dim float32 tensors).

    Attributes:
        gap: distillation gap G = mean_i sum_k |p_s - p_t|.
        ds: student's distance to the target, mean_i sum_k |p_s - y|.
        dt: teacher's distance to the target, mean_i sum_k |p_t - y|.
    """
    gap: Tensor
    ds: Tensor
    dt: Tensor


@torch.no_grad()
def gap_probabilities(logits: Tensor, tau: float = 1.0) -> Tensor:
    """``softmax(z / tau)`` in float32 whatever the logits' dtype (so that
    mixed precision does not move the switch), without autograd: what
    :func:`gap_statistics` and :func:`gap_excess` measure.

    Args:
        logits: (B, K).
        tau: the temperature.
    """
    return torch.softmax(logits.float() / tau, dim=1)


def distances(p_s: Tensor,
              p_t: Tensor,
              targets: Tensor,
              reduce: bool = True) -> GapStatistics:
    """G, ds and dt from the two networks' probabilities
    (:func:`gap_probabilities`).

    Args:
        p_s: the student's probabilities, (B, K).
        p_t: the teacher's probabilities, (B, K).
        targets: target probabilities (one-hot or soft labels), (B, K).
        reduce: False gives each sample's distances, shape (B,) each.
    """
    y = targets.float()
    per_sample = GapStatistics(
        gap=(p_s - p_t).abs().sum(dim=1),
        ds=(p_s - y).abs().sum(dim=1),
        dt=(p_t - y).abs().sum(dim=1))
    if not reduce:
        return per_sample
    return GapStatistics(*(value.mean() for value in per_sample))


def gap_statistics(student_logits: Tensor,
                   teacher_logits: Tensor,
                   targets: Tensor,
                   tau: float = 1.0,
                   reduce: bool = True) -> GapStatistics:
    """Compute G, ds and dt of one batch (of each sample with
    ``reduce=False``).

    Args:
        student_logits: student logits, shape (B, K).
        teacher_logits: teacher logits, shape (B, K).
        targets: target probabilities (one-hot or soft labels), shape (B, K).
        tau: temperature of the softmax. Defaults to 1.
        reduce: False gives each sample's distances, shape (B,) each
            (their means are the batch statistics).

    Returns:
        GapStatistics: the three batch means (or per-sample distances),
        computed in float32 (:func:`gap_probabilities`).
    """
    return distances(
        gap_probabilities(student_logits, tau),
        gap_probabilities(teacher_logits, tau), targets, reduce)


class GapExcess(NamedTuple):
    """The two parts of E = G - (ds - dt), batch means (one-hot targets):
    E = true + wrong, and the gate fires iff E exceeds delta - (ds - dt).

    Attributes:
        true: 2 * max(p_s(y) - p_t(y), 0), the student ahead on the label.
        wrong: 2 * sum over k != y of max(p_t(k) - p_s(k), 0), the
            teacher's wrong-class mass the student does not share.
    """
    true: Tensor
    wrong: Tensor


def gap_excess(p_s: Tensor, p_t: Tensor, targets: Tensor) -> GapExcess:
    """The parts of the gate's excess E = G - (ds - dt) (docs/design.md
    §1.4), at the label ``targets.argmax(1)`` (soft targets: their top
    class, where the identity is approximate).

    Args:
        p_s: the student's probabilities (:func:`gap_probabilities`).
        p_t: the teacher's probabilities.
        targets: target probabilities, (B, K).
    """
    label = torch.zeros_like(p_s).scatter_(1, targets.argmax(1, True), 1.0)
    ahead = 2 * ((p_s - p_t) * label).sum(1).clamp(min=0)
    wrong = 2 * ((p_t - p_s).clamp(min=0) * (1 - label)).sum(1)
    return GapExcess(true=ahead.mean(), wrong=wrong.mean())


def gate_margin(gap: Tensor, delta: Tensor, ds: Tensor, dt: Tensor) -> Tensor:
    """How close the gate is to firing: E / (delta - (ds - dt)) with
    E = G - (ds - dt); it fires (G > delta) where this exceeds 1. Infinite
    where delta - (ds - dt) <= 0 (then any E > 0 fires it); 0 for an
    infinite delta.

    Args:
        gap, delta, ds, dt: the pair statistics and threshold (any shape).
    """
    excess, room = gap - (ds - dt), delta - (ds - dt)
    safe = torch.where(room > 0, room, torch.ones_like(room))
    return torch.where(room > 0, excess / safe,
                       torch.full_like(room, float('inf')))


def _safe_ratio(numerator: Tensor, denominator: Tensor) -> Tensor:
    """``numerator / denominator``, defined as 0 where the denominator is 0.

    Both distances are zero only when both networks fit the targets exactly;
    then the exponent factor is irrelevant (it multiplies dt = 0) and 0 keeps
    the threshold finite instead of NaN.
    """
    safe = torch.where(denominator > 0, denominator,
                       torch.ones_like(denominator))
    return torch.where(denominator > 0, numerator / safe,
                       torch.zeros_like(numerator))


def adaptive_threshold(ds: Tensor, dt: Tensor) -> Tensor:
    """Adaptive threshold of Eq. 13: ``ds - exp(-r) * dt``, r = dt / (ds + dt).

    Args:
        ds: student-to-target distance.
        dt: teacher-to-target distance.

    Returns:
        Tensor: the threshold delta.
    """
    return ds - torch.exp(-_safe_ratio(dt, ds + dt)) * dt


def ratio_threshold(ds: Tensor, dt: Tensor) -> Tensor:
    """:func:`adaptive_threshold` with ``r = dt / ds`` (the paper's Fig. 4e).
    """
    return ds - torch.exp(-_safe_ratio(dt, ds)) * dt


def expert_gate(gap: Tensor,
                delta: Tensor,
                ds: Tensor,
                dt: Tensor,
                require_teacher_ahead: bool = True) -> Tensor:
    """Decide the mode: True for expert mode (teacher paused), elementwise
    (one decision per pair for stacked statistics), on the device: reading
    it is left to the caller.

    Args:
        gap: distillation gap G.
        delta: switching threshold.
        ds: student-to-target distance.
        dt: teacher-to-target distance.
        require_teacher_ahead: also require ``dt < ds`` (the teacher fits the
            targets better than the student), as the authors' released code
            does. False follows the paper's ``G > delta`` alone.

    Returns:
        Tensor: bool, whether the teacher pauses in this iteration.
    """
    expert = gap > delta
    if require_teacher_ahead:
        expert = expert & (dt < ds)
    return expert
