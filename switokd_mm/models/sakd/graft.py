"""SAKD's multi-path (graft) network: per sample and spot, the teacher's or
the student's path carries on."""
from typing import Sequence

import torch.nn as nn
from torch import Tensor

from ..staged import ClassifierSegments


def graft_forward(inputs: Tensor, student: ClassifierSegments,
                  teacher: ClassifierSegments, cuts: Sequence[int],
                  decisions: Tensor, to_teacher: Sequence[nn.Module],
                  to_student: Sequence[nn.Module]) -> Tensor:
    """The graft network's logits.

    Both paths start at the inputs. At feature spot k (the output of
    segment ``cuts[k]``), with ``s`` and ``t`` the student's and the
    teacher's features there and ``a`` the sample's decision::

        teacher path <- (1 - a) * to_teacher[k](s) + a * t
        student path <- (1 - a) * s + a * to_student[k](t)

    and the logits are ``(1 - a) * z_s + a * z_t`` with the last decision.

    Args:
        inputs: ``(B, ...)`` the batch.
        student: the student's segments.
        teacher: the teacher's segments (as many).
        cuts: the segment index of each feature spot, increasing, before
            the logits segment.
        decisions: ``(B, len(cuts) + 1)``, 1 = the teacher's path at that
            spot (SAKD: distil there).
        to_teacher: adapters student -> teacher, one per feature spot.
        to_student: adapters teacher -> student, one per feature spot.

    Returns:
        Tensor: ``(B, num_classes)``.
    """
    student_path = teacher_path = inputs
    start = 0
    for spot, cut in enumerate(cuts):
        s = student.run(student_path, start, cut + 1)
        t = teacher.run(teacher_path, start, cut + 1)
        a = _per_sample(decisions[:, spot], s)
        teacher_path = (1 - a) * to_teacher[spot](s) + a * t
        student_path = (1 - a) * s + a * to_student[spot](t)
        start = cut + 1
    z_s = student.run(student_path, start)
    z_t = teacher.run(teacher_path, start)
    a = _per_sample(decisions[:, -1], z_s)
    return (1 - a) * z_s + a * z_t


def _per_sample(decision: Tensor, like: Tensor) -> Tensor:
    """``(B,)`` decisions broadcast over ``like``'s other dimensions."""
    return decision.to(like.dtype).view(-1, *([1] * (like.dim() - 1)))
