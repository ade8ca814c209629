"""SAKD's policy learner: the routing layer and the graft adapters, trained
together by the policy loss."""
from typing import Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS
from torch import Tensor

from ..staged import ClassifierSegments
from .adapters import build_adapter
from .graft import graft_forward
from .gumbel import hard_gumbel_softmax

#: the released start of a same-family pair: the 'distil' choice's bias
HOMO_BIAS = 10.0


@MODELS.register_module()
class SpotPolicy(BaseModule):
    """Per sample, whether to distil at each of K spots (the feature spots
    and the logits), and the graft network those choices define.

    A linear layer on the concatenated pooled features of teacher and
    student gives 2 logits per spot; a hard Gumbel-softmax sample with a
    straight-through gradient picks one (choice 0: distil). The adapters
    map the features of one network to the other's at each feature spot
    (:func:`build_adapter`).

    Args:
        teacher_features: channels of the teacher's pooled vector.
        student_features: channels of the student's pooled vector.
        spot_shapes: per feature spot, the student's and the teacher's
            feature shape without the batch, ``((C, H, W), (C', H', W'))``
            or ``((C,), (C',))``.
        temperature: the Gumbel-softmax temperature (released: 5).
        homo: add 10 to every 'distil' bias at the start (the released
            setting of same-family pairs), so that almost every sample
            starts distilled everywhere.
        init_cfg: mmengine initialisation config.
    """

    def __init__(self,
                 teacher_features: int,
                 student_features: int,
                 spot_shapes: Sequence[Tuple[Sequence[int], Sequence[int]]],
                 temperature: float = 5.0,
                 homo: bool = True,
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        if temperature <= 0:
            raise ValueError(f'SpotPolicy: temperature must be > 0, got '
                             f'{temperature}')
        self.num_spots = len(spot_shapes) + 1
        self.temperature = temperature
        self.decide = nn.Linear(teacher_features + student_features,
                                2 * self.num_spots)
        if homo:
            with torch.no_grad():
                self.decide.bias[0::2] += HOMO_BIAS
        self.to_teacher = nn.ModuleList(
            build_adapter(s, t) for s, t in spot_shapes)
        self.to_student = nn.ModuleList(
            build_adapter(t, s) for s, t in spot_shapes)

    def decisions(self, teacher_pooled: Tensor,
                  student_pooled: Tensor) -> Tensor:
        """``(B, K)`` hard decisions (1: distil), straight-through; the
        features are detached."""
        scores = self.decide(
            torch.cat([teacher_pooled.detach(),
                       student_pooled.detach()], 1))
        choices = hard_gumbel_softmax(
            scores.view(len(scores), self.num_spots, 2), self.temperature)
        return choices[..., 0]

    def forward(self, teacher_pooled: Tensor, student_pooled: Tensor,
                inputs: Tensor, student: ClassifierSegments,
                teacher: ClassifierSegments,
                cuts: Sequence[int]) -> Tuple[Tensor, Tensor]:
        """The decisions and the graft network's logits on ``inputs``
        (:func:`graft_forward`); one forward, so that a DDP wrapper of the
        policy sees every parameter it trains."""
        decisions = self.decisions(teacher_pooled, student_pooled)
        logits = graft_forward(inputs, student, teacher, cuts, decisions,
                               self.to_teacher, self.to_student)
        return decisions, logits
