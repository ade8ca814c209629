"""Switching thresholds as registered modules (mmpretrain's ``TASK_UTILS``).

A threshold is an ``nn.Module`` called with a pair's gap statistics and the
iteration; it returns the threshold delta that the gate compares G with.
Being a submodule of the model, whatever state a threshold keeps in
buffers (a running mean, a warm-up counter) is saved in checkpoints with
the weights and resumed with them. Configs name one with
``threshold=dict(type=...)``.
"""
import torch
import torch.nn as nn
from mmpretrain.registry import TASK_UTILS
from torch import Tensor

from .switching import adaptive_threshold, ratio_threshold


class Threshold(nn.Module):
    """The interface of a switching threshold."""

    def forward(self, gap: Tensor, ds: Tensor, dt: Tensor,
                iteration: Tensor) -> Tensor:
        """The threshold of each pair.

        Args:
            gap: the pairs' distillation gaps G.
            ds: the students' distances to the targets.
            dt: the teachers' distances to the targets.
            iteration: iterations trained before this one (0-dim).

        Returns:
            Tensor: delta, shaped like ``gap``.
        """
        raise NotImplementedError


@TASK_UTILS.register_module()
class AdaptiveThreshold(Threshold):
    """The paper's adaptive threshold (Eq. 13), the default.

    Args:
        ratio: ``'sum'`` for r = dt / (ds + dt) (Eq. 13), ``'student'`` for
            r = dt / ds (Fig. 4e).
    """
    _RATIOS = {'sum': adaptive_threshold, 'student': ratio_threshold}

    def __init__(self, ratio: str = 'sum') -> None:
        super().__init__()
        if ratio not in self._RATIOS:
            raise ValueError(f'AdaptiveThreshold: ratio must be one of '
                             f'{sorted(self._RATIOS)}, got {ratio!r}')
        self.ratio = ratio
        self._fn = self._RATIOS[ratio]

    def forward(self, gap: Tensor, ds: Tensor, dt: Tensor,
                iteration: Tensor) -> Tensor:
        return self._fn(ds, dt)


@TASK_UTILS.register_module()
class FixedThreshold(Threshold):
    """A constant threshold (the paper's ablation B).

    Args:
        delta: the threshold; G lies in [0, 2], so must delta.
    """

    def __init__(self, delta: float) -> None:
        super().__init__()
        if not 0.0 <= float(delta) <= 2.0:
            raise ValueError(f'FixedThreshold: delta must lie in [0, 2] (the '
                             f'range of the gap G), got {delta}')
        self.delta = float(delta)

    def forward(self, gap: Tensor, ds: Tensor, dt: Tensor,
                iteration: Tensor) -> Tensor:
        return torch.full_like(gap, self.delta)


@TASK_UTILS.register_module()
class NeverSwitch(Threshold):
    """An infinite threshold: the teacher never pauses (DML, ablation A)."""

    def forward(self, gap: Tensor, ds: Tensor, dt: Tensor,
                iteration: Tensor) -> Tensor:
        return torch.full_like(gap, float('inf'))
