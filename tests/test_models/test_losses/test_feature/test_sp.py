"""SP: the similarity matrices' difference by hand and by an explicit loop,
sample selection, shapes, the registry."""
import math

import pytest
import torch
from mmpretrain.registry import MODELS

from switokd_mm.models.losses.feature.sp import SPLoss


def sp_by_loop(learner, source):
    """|G_t - G_s|_F^2 / B^2, G the row-normalised Gram matrix of the
    flattened features, written out."""

    def gram(features):
        rows = [x.flatten().tolist() for x in features]
        g = [[sum(u * v for u, v in zip(a, b)) for b in rows] for a in rows]
        return [[v / math.sqrt(sum(w * w for w in r)) for v in r] for r in g]

    g_s, g_t = gram(learner), gram(source)
    batch = len(g_s)
    return sum((g_t[i][j] - g_s[i][j])**2 for i in range(batch)
               for j in range(batch)) / batch**2


def test_by_hand():
    # G_s = I; the source's two equal samples give rows (1, 1) / sqrt(2)
    learner = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    source = torch.tensor([[1.0, 0.0], [1.0, 0.0]])
    expected = (2 * (1 - 1 / math.sqrt(2))**2 + 2 * 0.5) / 4
    assert SPLoss()(learner, source).item() == pytest.approx(expected)


def test_against_a_loop_with_different_feature_shapes():
    torch.manual_seed(0)
    learner = torch.randn(4, 2, 3, 3, dtype=torch.float64)
    source = torch.randn(4, 5, 2, 2, dtype=torch.float64)
    assert SPLoss()(learner, source).item() == pytest.approx(
        sp_by_loop(learner, source), rel=1e-12)


def test_zero_when_the_learner_equals_the_source():
    torch.manual_seed(1)
    features = torch.randn(5, 3, 2, 2, dtype=torch.float64)
    assert SPLoss()(features, features.clone()).item() == pytest.approx(
        0.0, abs=1e-14)


def test_the_selection_scales_the_loss_of_the_selected_samples():
    torch.manual_seed(2)
    learner = torch.randn(4, 6, dtype=torch.float64, requires_grad=True)
    source = torch.randn(4, 3, dtype=torch.float64)
    weight = torch.tensor([1.0, 0.0, 1.0, 1.0])
    value = SPLoss()(learner, source, weight)
    value.backward()
    keep = [0, 2, 3]
    expected = 3 / 4 * sp_by_loop(learner[keep].detach(), source[keep])
    assert value.item() == pytest.approx(expected, rel=1e-12)
    assert torch.count_nonzero(learner.grad[1]) == 0
    assert torch.count_nonzero(learner.grad[keep]) > 0


def test_a_weight_other_than_0_and_1_is_refused():
    with pytest.raises(ValueError, match='0 or 1'):
        SPLoss()(torch.randn(3, 2), torch.randn(3, 2),
                 torch.tensor([1.0, 0.5, 1.0]))


def test_loss_weight_scales():
    torch.manual_seed(3)
    learner, source = torch.randn(4, 5), torch.randn(4, 7)
    assert SPLoss(loss_weight=3000.0)(learner, source).item() == \
        pytest.approx(3000.0 * SPLoss()(learner, source).item(), rel=1e-6)


@pytest.mark.parametrize('learner, source', [
    (torch.zeros(4), torch.zeros(4, 2)),
    (torch.zeros(4, 2), torch.zeros(3, 2)),
])
def test_invalid_shapes_raise(learner, source):
    with pytest.raises(ValueError, match='SPLoss'):
        SPLoss()(learner, source)


def test_builds_from_the_registry():
    loss = MODELS.build(dict(type='SPLoss', loss_weight=2.0))
    assert isinstance(loss, SPLoss) and loss.loss_weight == 2.0
