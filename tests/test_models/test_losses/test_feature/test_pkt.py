"""PKT: the divergence of the cosine-kernel conditional probabilities by
hand and by an explicit loop, sample selection, shapes, the registry."""
import math

import pytest
import torch
from mmpretrain.registry import MODELS

from switokd_mm.models.losses.feature.pkt import PKTLoss

EPS = 1e-7


def pkt_by_loop(learner, source):
    """mean over i != j of p_{j|i} log((p + eps) / (q + eps)), p and q the
    kernels (cos + 1) / 2 normalised over j != i, written out."""

    def conditional(features):
        rows = features.flatten(1).tolist()
        batch = len(rows)

        def cos(a, b):
            return sum(u * v for u, v in zip(a, b)) / (math.hypot(*a) *
                                                       math.hypot(*b))

        kernel = [[(cos(rows[i], rows[j]) + 1) / 2 for j in range(batch)]
                  for i in range(batch)]
        return [{
            j: kernel[i][j] / sum(kernel[i][k] for k in range(batch)
                                  if k != i)
            for j in range(batch) if j != i
        } for i in range(batch)]

    p, q = conditional(source), conditional(learner)
    terms = [
        p[i][j] * math.log((p[i][j] + EPS) / (q[i][j] + EPS))
        for i in range(len(p)) for j in p[i]
    ]
    return sum(terms) / len(terms)


def test_by_hand():
    # source e1, e2, -e1: p rows (-, 1, 0), (1/2, -, 1/2), (0, 1, -);
    # orthogonal learner: q = 1/2 everywhere. Two terms of log 2, six pairs
    source = torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0],
                           [-1.0, 0.0, 0.0]],
                          dtype=torch.float64)
    learner = torch.eye(3, dtype=torch.float64)
    assert PKTLoss()(learner, source).item() == pytest.approx(
        2 * math.log(2) / 6, rel=1e-6)


def test_against_a_loop_with_different_dimensions():
    torch.manual_seed(0)
    learner = torch.randn(5, 2, 2, dtype=torch.float64)  # flattened
    source = torch.randn(5, 7, dtype=torch.float64)
    assert PKTLoss()(learner, source).item() == pytest.approx(
        pkt_by_loop(learner, source), rel=1e-12)


def test_zero_when_the_learner_equals_the_source():
    torch.manual_seed(1)
    features = torch.randn(4, 6, dtype=torch.float64)
    assert PKTLoss()(features, features.clone()).item() == pytest.approx(
        0.0, abs=1e-14)


def test_two_samples_relate_nothing():
    torch.manual_seed(2)
    assert PKTLoss()(torch.randn(2, 3), torch.randn(2, 4)).item() == \
        pytest.approx(0.0, abs=1e-6)


def test_the_selection_scales_the_loss_of_the_selected_samples():
    torch.manual_seed(3)
    learner = torch.randn(5, 3, dtype=torch.float64, requires_grad=True)
    source = torch.randn(5, 4, dtype=torch.float64)
    weight = torch.tensor([0.0, 1.0, 1.0, 1.0, 1.0])
    value = PKTLoss()(learner, source, weight)
    value.backward()
    keep = [1, 2, 3, 4]
    expected = 4 / 5 * pkt_by_loop(learner[keep].detach(), source[keep])
    assert value.item() == pytest.approx(expected, rel=1e-12)
    assert torch.count_nonzero(learner.grad[0]) == 0
    assert torch.count_nonzero(learner.grad[keep]) > 0


def test_loss_weight_scales():
    torch.manual_seed(4)
    learner, source = torch.randn(4, 5), torch.randn(4, 3)
    assert PKTLoss(loss_weight=30000.0)(learner, source).item() == \
        pytest.approx(30000.0 * PKTLoss()(learner, source).item(), rel=1e-6)


@pytest.mark.parametrize('learner, source', [
    (torch.zeros(4), torch.zeros(4, 2)),
    (torch.zeros(4, 2), torch.zeros(3, 2)),
])
def test_invalid_shapes_raise(learner, source):
    with pytest.raises(ValueError, match='PKTLoss'):
        PKTLoss()(learner, source)


def test_builds_from_the_registry():
    loss = MODELS.build(dict(type='PKTLoss', loss_weight=2.0))
    assert isinstance(loss, PKTLoss) and loss.loss_weight == 2.0
