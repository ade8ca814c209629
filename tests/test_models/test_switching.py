"""The switching math against values computed by hand."""
import math

import pytest
import torch

from switokd_mm.models.switching import (adaptive_threshold, expert_gate,
                                         gap_statistics, ratio_threshold)


def logits_of(probs):
    """Logits whose softmax (tau = 1) is ``probs``."""
    return torch.tensor(probs).log()


# One sample, K = 3, label 0:
#   p_s = (0.5, 0.3, 0.2), p_t = (0.8, 0.1, 0.1)
#   G  = .3 + .2 + .1 = 0.6;  ds = .5 + .3 + .2 = 1.0;  dt = .2 + .1 + .1 = 0.4
P_S, P_T, Y = [[0.5, 0.3, 0.2]], [[0.8, 0.1, 0.1]], [[1.0, 0.0, 0.0]]


def test_gap_statistics_hand_computed():
    stats = gap_statistics(logits_of(P_S), logits_of(P_T), torch.tensor(Y))
    assert stats.gap.item() == pytest.approx(0.6, abs=1e-6)
    assert stats.ds.item() == pytest.approx(1.0, abs=1e-6)
    assert stats.dt.item() == pytest.approx(0.4, abs=1e-6)


def test_gap_statistics_sum_over_classes_mean_over_batch():
    # Second sample, label 1: p_s = (.25, .25, .5), p_t = (.1, .6, .3):
    #   G = .15 + .35 + .2 = 0.7; ds = .25 + .75 + .5 = 1.5; dt = .1+.4+.3 = .8
    # Batch means: G = 0.65, ds = 1.25, dt = 0.6 (not divided by K = 3).
    p_s = P_S + [[0.25, 0.25, 0.5]]
    p_t = P_T + [[0.1, 0.6, 0.3]]
    y = Y + [[0.0, 1.0, 0.0]]
    stats = gap_statistics(logits_of(p_s), logits_of(p_t), torch.tensor(y))
    assert stats.gap.item() == pytest.approx(0.65, abs=1e-6)
    assert stats.ds.item() == pytest.approx(1.25, abs=1e-6)
    assert stats.dt.item() == pytest.approx(0.6, abs=1e-6)


def test_gap_statistics_temperature():
    # tau = 2 halves the logits: softmax((0, ln 4) / 2) = (1/3, 2/3).
    student = torch.tensor([[0.0, math.log(4.0)]])
    teacher = torch.tensor([[0.0, 0.0]])
    stats = gap_statistics(student, teacher, torch.tensor([[0.0, 1.0]]), 2.0)
    assert stats.gap.item() == pytest.approx(2 * (2 / 3 - 1 / 2), abs=1e-6)
    assert stats.ds.item() == pytest.approx(2 / 3, abs=1e-6)
    assert stats.dt.item() == pytest.approx(1.0, abs=1e-6)


def test_gap_statistics_float32_for_half_logits():
    stats = gap_statistics(
        logits_of(P_S).bfloat16(),
        logits_of(P_T).bfloat16(), torch.tensor(Y))
    assert all(value.dtype == torch.float32 for value in stats)


def test_adaptive_threshold_eq13():
    # r = 0.4 / 1.4; delta = 1 - exp(-r) * 0.4 = 0.699409...
    delta = adaptive_threshold(torch.tensor(1.0), torch.tensor(0.4))
    assert delta.item() == pytest.approx(1 - math.exp(-0.4 / 1.4) * 0.4)
    assert delta.item() == pytest.approx(0.699409, abs=1e-6)


def test_ratio_threshold_fig4e():
    # r = 0.4 / 1.0; delta = 1 - exp(-0.4) * 0.4 = 0.731872...
    delta = ratio_threshold(torch.tensor(1.0), torch.tensor(0.4))
    assert delta.item() == pytest.approx(0.731872, abs=1e-6)


def test_thresholds_zero_distances_stay_finite():
    zero = torch.tensor(0.0)
    assert adaptive_threshold(zero, zero).item() == 0.0
    assert ratio_threshold(zero, zero).item() == 0.0


@pytest.mark.parametrize(
    'gap, delta, ds, dt, clause, expected',
    [
        (0.6, 0.699, 1.0, 0.4, True, False),  # G <= delta: learning
        (0.8, 0.699, 1.0, 0.4, True, True),  # G > delta, dt < ds: expert
        (0.8, 0.699, 0.4, 1.0, True, False),  # teacher behind: clause holds it
        (0.8, 0.699, 0.4, 1.0, False, True),  # paper's formula alone: expert
        (0.699, 0.699, 1.0, 0.4, True, False),  # equality is learning mode
        (2.0, math.inf, 1.0, 0.4, True, False),  # never switch
    ])
def test_expert_gate(gap, delta, ds, dt, clause, expected):
    values = [torch.tensor(v) for v in (gap, delta, ds, dt)]
    assert bool(expert_gate(*values, require_teacher_ahead=clause)) \
        is expected


def test_expert_gate_decides_each_pair():
    gap, delta, ds, dt = (torch.tensor(v)
                          for v in ([0.6, 0.8, 0.8], [0.699] * 3,
                                    [1.0, 1.0, 0.4], [0.4, 0.4, 1.0]))
    assert expert_gate(gap, delta, ds, dt).tolist() == [False, True, False]


def test_per_sample_statistics_average_to_the_batch_ones():
    torch.manual_seed(0)
    z_s, z_t = torch.randn(5, 4), torch.randn(5, 4)
    y = torch.eye(4)[[0, 1, 2, 3, 0]]
    per_sample = gap_statistics(z_s, z_t, y, reduce=False)
    batch = gap_statistics(z_s, z_t, y)
    for one, mean in zip(per_sample, batch):
        assert one.shape == (5, )
        assert one.mean().item() == pytest.approx(mean.item(), abs=1e-6)
    # sample 0 by hand: sum over classes of |p_s - p_t|
    p_s, p_t = torch.softmax(z_s[0], 0), torch.softmax(z_t[0], 0)
    assert per_sample.gap[0].item() == pytest.approx(
        (p_s - p_t).abs().sum().item(), abs=1e-6)
