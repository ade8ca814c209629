"""NST: the per-sample MMD of channel maps by hand and by an explicit loop,
pooling to the smaller map, per-sample weights, shapes, the registry."""
import math

import pytest
import torch
from mmpretrain.registry import MODELS

from switokd_mm.models.losses.feature.nst import NSTLoss


def mmd_by_loop(learner, source):
    """The paper's biased MMD^2 with the kernel (x.y)^2, one sample's
    ``(C, H, W)`` maps of equal spatial size, written out."""

    def unit_maps(features):
        maps = []
        for channel in features.tolist():
            values = [v for row in channel for v in row]
            norm = math.sqrt(sum(v * v for v in values))
            maps.append([v / norm for v in values])
        return maps

    def mean_kernel(a, b):
        total = 0.0
        for x in a:
            for y in b:
                total += sum(u * v for u, v in zip(x, y))**2
        return total / (len(a) * len(b))

    s, t = unit_maps(learner), unit_maps(source)
    return mean_kernel(t, t) + mean_kernel(s, s) - 2 * mean_kernel(s, t)


def test_orthogonal_maps_by_hand():
    # one channel each, maps [1, 0] and [0, 1]: k_TT = k_SS = 1, k_ST = 0
    learner = torch.tensor([[[[1.0, 0.0]]]])
    source = torch.tensor([[[[0.0, 3.0]]]])
    assert NSTLoss()(learner, source).item() == pytest.approx(2.0)


def test_the_loss_is_the_batch_mean_of_the_mmd():
    torch.manual_seed(0)
    learner = torch.randn(3, 2, 2, 3, dtype=torch.float64)
    source = torch.randn(3, 4, 2, 3, dtype=torch.float64)
    expected = sum(mmd_by_loop(s, t) for s, t in zip(learner, source)) / 3
    assert NSTLoss()(learner, source).item() == pytest.approx(expected,
                                                              rel=1e-12)


def test_the_larger_map_is_average_pooled_to_the_smaller():
    torch.manual_seed(1)
    learner = torch.randn(2, 3, 4, 2, dtype=torch.float64)  # taller
    source = torch.randn(2, 2, 2, 4, dtype=torch.float64)  # wider
    # to 2 x 2: the learner's row pairs, the source's column pairs averaged
    pooled_learner = learner.view(2, 3, 2, 2, 2).mean(3)
    pooled_source = source.view(2, 2, 2, 2, 2).mean(4)
    expected = sum(
        mmd_by_loop(s, t)
        for s, t in zip(pooled_learner, pooled_source)) / 2
    assert NSTLoss()(learner, source).item() == pytest.approx(expected,
                                                              rel=1e-12)


def test_zero_when_the_learner_equals_the_source():
    torch.manual_seed(2)
    features = torch.randn(3, 4, 3, 3, dtype=torch.float64)
    assert NSTLoss()(features, features.clone()).item() == pytest.approx(
        0.0, abs=1e-12)


def test_a_sample_of_weight_zero_counts_for_nothing():
    torch.manual_seed(3)
    learner = torch.randn(3, 2, 3, 3, dtype=torch.float64,
                          requires_grad=True)
    source = torch.randn(3, 4, 3, 3, dtype=torch.float64)
    weight = torch.tensor([1.0, 0.0, 2.0])
    value = NSTLoss()(learner, source, weight)
    value.backward()
    assert torch.count_nonzero(learner.grad[1]) == 0
    assert torch.count_nonzero(learner.grad[0]) > 0
    rest = NSTLoss()(learner[[0, 2]], source[[0, 2]], torch.tensor([1.0,
                                                                   2.0]))
    # weight 0 removes the sample; the mean still divides by the batch
    assert value.item() == pytest.approx(rest.item() * 2 / 3, rel=1e-12)


def test_loss_weight_scales():
    torch.manual_seed(4)
    learner, source = torch.randn(2, 2, 3, 3), torch.randn(2, 3, 3, 3)
    assert NSTLoss(loss_weight=50.0)(learner, source).item() == \
        pytest.approx(50.0 * NSTLoss()(learner, source).item(), rel=1e-6)


@pytest.mark.parametrize('learner, source', [
    (torch.zeros(2, 3, 4), torch.zeros(2, 3, 4)),
    (torch.zeros(2, 3, 4, 4), torch.zeros(2, 3, 4)),
    (torch.zeros(2, 3, 4, 4), torch.zeros(3, 3, 4, 4)),
])
def test_invalid_shapes_raise(learner, source):
    with pytest.raises(ValueError, match='NSTLoss'):
        NSTLoss()(learner, source)


def test_builds_from_the_registry():
    loss = MODELS.build(dict(type='NSTLoss', loss_weight=2.0))
    assert isinstance(loss, NSTLoss) and loss.loss_weight == 2.0
