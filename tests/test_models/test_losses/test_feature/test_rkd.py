"""RKD: distances and angles against loops over pairs and triplets, scale
invariance, sample selection, equal samples, shapes, the registry."""
import itertools
import math

import pytest
import torch
from mmpretrain.registry import MODELS

from switokd_mm.models.losses.feature.rkd import RKDLoss


def huber(x, y):
    d = abs(x - y)
    return 0.5 * d * d if d <= 1 else d - 0.5


def rkd_by_loop(learner, source, distance_weight=25.0, angle_weight=50.0):
    """The distance and angle terms, averaged over the ordered pairs and
    triplets of different samples, written out."""
    s, t = learner.flatten(1).tolist(), source.flatten(1).tolist()
    batch = len(s)
    pairs = list(itertools.permutations(range(batch), 2))

    def psi_d(x):
        mu = sum(math.dist(x[i], x[j]) for i, j in pairs) / len(pairs)
        return {(i, j): math.dist(x[i], x[j]) / mu for i, j in pairs}

    def psi_a(x, i, j, k):  # the cosine of the angle at x_j
        a = [u - v for u, v in zip(x[i], x[j])]
        b = [u - v for u, v in zip(x[k], x[j])]
        return sum(u * v for u, v in zip(a, b)) / (math.hypot(*a) *
                                                   math.hypot(*b))

    ds, dt = psi_d(s), psi_d(t)
    distance = sum(huber(ds[p], dt[p]) for p in pairs) / len(pairs)
    triplets = list(itertools.permutations(range(batch), 3))
    angle = sum(
        huber(psi_a(s, *p), psi_a(t, *p)) for p in triplets) / len(triplets)
    return distance_weight * distance + angle_weight * angle


def test_against_loops_over_pairs_and_triplets():
    torch.manual_seed(0)
    learner = torch.randn(5, 3, dtype=torch.float64)
    source = 3 * torch.randn(5, 4, dtype=torch.float64)
    assert RKDLoss()(learner, source).item() == pytest.approx(
        rkd_by_loop(learner, source), rel=1e-12)


def test_both_branches_of_the_huber_loss():
    # the same points, one moved far off: some |differences| exceed 1
    source = torch.tensor([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]],
                          dtype=torch.float64)
    learner = source.clone()
    learner[3] = torch.tensor([9.0, -4.0])
    loss = RKDLoss(distance_weight=1.0, angle_weight=0.0)
    expected = rkd_by_loop(learner, source, 1.0, 0.0)
    assert loss(learner, source).item() == pytest.approx(expected, rel=1e-12)
    assert RKDLoss()(learner, source).item() == pytest.approx(
        rkd_by_loop(learner, source), rel=1e-12)


def test_invariant_to_scale_and_translation():
    # distances are normalised by their mean; angles do not see the scale
    source = torch.tensor([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [2.0, 3.0]])
    learner = 4 * source + torch.tensor([1.0, -2.0])
    assert RKDLoss()(learner, source).item() == pytest.approx(0.0, abs=1e-5)


def test_zero_when_the_learner_equals_the_source():
    torch.manual_seed(1)
    features = torch.randn(4, 2, 3, dtype=torch.float64)  # flattened
    assert RKDLoss()(features, features.clone()).item() == pytest.approx(
        0.0, abs=1e-12)


def test_two_samples_have_no_angle_and_one_distance():
    # one distance, normalised by itself: both are 1
    learner, source = torch.randn(2, 3), torch.randn(2, 5)
    assert RKDLoss()(learner, source).item() == 0.0


def test_equal_samples_give_finite_gradients():
    torch.manual_seed(2)
    learner = torch.randn(4, 3, dtype=torch.float64)
    learner[1] = learner[0]
    learner.requires_grad_()
    source = torch.randn(4, 3, dtype=torch.float64)
    RKDLoss()(learner, source).backward()
    assert torch.isfinite(learner.grad).all()
    assert learner.grad.abs().max() < 1e3


def test_the_selection_scales_the_loss_of_the_selected_samples():
    torch.manual_seed(3)
    learner = torch.randn(5, 3, dtype=torch.float64, requires_grad=True)
    source = torch.randn(5, 4, dtype=torch.float64)
    weight = torch.tensor([1.0, 1.0, 0.0, 1.0, 1.0])
    value = RKDLoss()(learner, source, weight)
    value.backward()
    keep = [0, 1, 3, 4]
    expected = 4 / 5 * rkd_by_loop(learner[keep].detach(), source[keep])
    assert value.item() == pytest.approx(expected, rel=1e-12)
    assert torch.count_nonzero(learner.grad[2]) == 0
    assert torch.count_nonzero(learner.grad[keep]) > 0


def test_loss_weight_and_the_term_weights_scale():
    torch.manual_seed(4)
    learner, source = torch.randn(4, 3), torch.randn(4, 6)
    distance = RKDLoss(1.0, 0.0)(learner, source).item()
    angle = RKDLoss(0.0, 1.0)(learner, source).item()
    assert RKDLoss()(learner, source).item() == pytest.approx(
        25 * distance + 50 * angle, rel=1e-5)
    assert RKDLoss(loss_weight=2.0)(learner, source).item() == \
        pytest.approx(2 * (25 * distance + 50 * angle), rel=1e-5)


@pytest.mark.parametrize('learner, source', [
    (torch.zeros(4), torch.zeros(4, 2)),
    (torch.zeros(4, 2), torch.zeros(3, 2)),
])
def test_invalid_shapes_raise(learner, source):
    with pytest.raises(ValueError, match='RKDLoss'):
        RKDLoss()(learner, source)


def test_builds_from_the_registry():
    loss = MODELS.build(
        dict(type='RKDLoss', distance_weight=1.0, angle_weight=2.0))
    assert isinstance(loss, RKDLoss)
    assert (loss.distance_weight, loss.angle_weight) == (1.0, 2.0)
    assert RKDLoss().distance_weight == 25.0
    assert RKDLoss().angle_weight == 50.0
