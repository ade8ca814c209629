"""Thresholds: registered modules called with the gap statistics and the
iteration, whose state is saved and resumed with the model."""
import math

import pytest
import torch
from mmpretrain.registry import TASK_UTILS

from switokd_mm.models import FixedThreshold, Threshold
from tests.conftest import make_batch
from tests.fixtures.linear_pair import (CONFIDENT_RIGHT, INPUTS, LABELS, K,
                                        build)

GAP, DS, DT = torch.tensor(0.5), torch.tensor(1.0), torch.tensor(0.4)
START = torch.tensor(0)


def test_registered_thresholds():
    adaptive = TASK_UTILS.build(dict(type='AdaptiveThreshold'))
    # delta = ds - exp(-dt / (ds + dt)) * dt, see test_switching
    assert adaptive(GAP, DS, DT, START).item() == pytest.approx(
        0.699409, abs=1e-6)
    ratio = TASK_UTILS.build(dict(type='AdaptiveThreshold', ratio='student'))
    assert ratio(GAP, DS, DT, START).item() == pytest.approx(
        0.731872, abs=1e-6)
    assert FixedThreshold(0.6)(GAP, DS, DT, START).item() == pytest.approx(
        0.6)
    never = TASK_UTILS.build(dict(type='NeverSwitch'))
    assert never(GAP, DS, DT, START).item() == math.inf


@pytest.mark.parametrize('delta', [-0.1, 2.5, float('nan')])
def test_fixed_threshold_out_of_range(delta):
    with pytest.raises(ValueError, match=r'\[0, 2\]'):
        FixedThreshold(delta)


def test_adaptive_threshold_unknown_ratio():
    with pytest.raises(ValueError, match='ratio'):
        TASK_UTILS.build(dict(type='AdaptiveThreshold', ratio='mean'))


@TASK_UTILS.register_module(force=True)
class RunningGapThreshold(Threshold):
    """A stateful threshold (test only): the mean of the gaps seen so far,
    with the iterations it was called at."""

    def __init__(self) -> None:
        super().__init__()
        self.register_buffer('gap_sum', torch.zeros(()))
        self.register_buffer('calls', torch.zeros((), dtype=torch.long))
        self.iterations = []

    def forward(self, gap, ds, dt, iteration):
        self.iterations.append(int(iteration))
        self.gap_sum += gap.sum()
        self.calls += 1
        return (self.gap_sum / self.calls).expand_as(gap)


def test_threshold_gets_the_iteration_and_its_state_is_resumed():
    model, optim = build(
        torch.zeros(K, K), CONFIDENT_RIGHT,
        threshold=dict(type='RunningGapThreshold'))
    gaps = [
        model.train_step(make_batch(INPUTS, LABELS), optim)['switokd/gap']
        for _ in range(3)
    ]
    assert model.threshold.iterations == [0, 1, 2]
    state = model.state_dict()
    assert int(state['threshold.calls']) == 3
    assert float(state['threshold.gap_sum']) == pytest.approx(sum(gaps))

    resumed, _ = build(
        torch.zeros(K, K), CONFIDENT_RIGHT,
        threshold=dict(type='RunningGapThreshold'))
    resumed.load_state_dict(state)
    assert torch.equal(resumed.threshold.gap_sum, model.threshold.gap_sum)
    assert int(resumed.threshold.calls) == 3
