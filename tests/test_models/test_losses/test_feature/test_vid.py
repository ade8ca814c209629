"""VIDLoss: the Gaussian negative log-likelihood against loops over
channels and positions, its per-sample weights, its trained regressor and
variance (its place in the student as a config term's loss:
test_distill/test_terms.py)."""
import math

import pytest
import torch
import torch.nn.functional as F
from mmpretrain.registry import MODELS

from switokd_mm.models.losses.feature.vid import VIDLoss


def features(batch=3, student=4, teacher=6, size=(3, 2),
             dtype=torch.float64):
    torch.manual_seed(0)
    return (torch.randn(batch, student, *size, dtype=dtype),
            torch.randn(batch, teacher, *size, dtype=dtype))


def vid(**kwargs):
    torch.manual_seed(1)
    loss = VIDLoss(4, 6, mid_channels=5, **kwargs).double()
    with torch.no_grad():  # variances that differ between channels
        loss.alpha.add_(torch.linspace(-2.0, 1.0, 6, dtype=torch.float64))
    return loss


def by_loops(loss, learner, source, eps=1e-5):
    """Per sample, the mean over channels and positions of the Gaussian
    negative log-likelihood (without its constant), in float64, from the
    module's own regressor weights and variance parameter."""
    w1, w2, w3 = (loss.regressor[i].weight.detach().double()[:, :, 0, 0]
                  for i in (0, 2, 4))
    alpha = loss.alpha.detach().double()
    var = [math.log1p(math.exp(float(a))) + eps for a in alpha]
    per_sample = []
    for b in range(len(learner)):
        terms = []
        for h in range(learner.shape[2]):
            for w in range(learner.shape[3]):
                x = learner[b, :, h, w].detach().double()
                mu = w3 @ torch.relu(w2 @ torch.relu(w1 @ x))
                for c in range(len(var)):
                    t = float(source[b, c, h, w])
                    terms.append(0.5 * (math.log(var[c]) +
                                        (t - float(mu[c]))**2 / var[c]))
        per_sample.append(sum(terms) / len(terms))
    return per_sample


def test_value_is_the_gaussian_nll_against_loops():
    learner, source = features()
    loss = vid()
    expected = sum(by_loops(loss, learner, source)) / 3
    assert loss(learner, source).item() == pytest.approx(expected, rel=1e-10)


def test_the_variance_starts_at_init_var():
    assert torch.allclose(
        VIDLoss(4, 6).variance(), torch.full((6, ), 5.0), rtol=1e-6)
    assert torch.allclose(
        VIDLoss(4, 6, init_var=0.5).variance(), torch.full((6, ), 0.5),
        rtol=1e-6)


def test_per_sample_weights_and_zero_weight_samples():
    learner, source = features()
    learner.requires_grad_(True)
    loss = vid()
    weight = torch.tensor([2.0, 0.0, 1.0], dtype=torch.float64)
    value = loss(learner, source, weight)
    per_sample = by_loops(loss, learner, source)
    expected = (2 * per_sample[0] + per_sample[2]) / 3
    assert value.item() == pytest.approx(expected, rel=1e-10)
    value.backward()
    assert torch.count_nonzero(learner.grad[1]) == 0
    assert torch.count_nonzero(learner.grad[[0, 2]]) > 0
    # the weight-0 sample's features do not change the value
    changed = learner.detach().clone()
    changed[1] = 100.0
    source_changed = source.clone()
    source_changed[1] = -100.0
    assert loss(changed, source_changed, weight).item() == pytest.approx(
        value.item(), rel=1e-12)


def test_gradients_reach_the_regressor_and_the_variance():
    learner, source = features()
    loss = vid()
    loss(learner, source).backward()
    for name, param in loss.named_parameters():
        assert param.grad is not None and torch.count_nonzero(
            param.grad) > 0, name
    assert {name for name, _ in loss.named_parameters()} == {
        'alpha', 'regressor.0.weight', 'regressor.2.weight',
        'regressor.4.weight'
    }


def test_loss_weight_scales():
    learner, source = features()
    assert vid(loss_weight=0.25)(learner, source).item() == pytest.approx(
        0.25 * vid()(learner, source).item(), rel=1e-12)


def test_the_larger_map_is_average_pooled_to_the_smaller():
    small_learner, small_source = features(size=(3, 2))
    big_learner, big_source = features(size=(6, 4))
    loss = vid()
    pooled_learner = F.avg_pool2d(big_learner, 2)
    pooled_source = F.avg_pool2d(big_source, 2)
    assert loss(big_learner, small_source).item() == pytest.approx(
        loss(pooled_learner, small_source).item(), rel=1e-12)
    assert loss(small_learner, big_source).item() == pytest.approx(
        loss(small_learner, pooled_source).item(), rel=1e-12)


@pytest.mark.parametrize('learner, source, message', [
    (torch.zeros(2, 5, 3, 3), torch.zeros(2, 6, 3, 3),
     r'learner.*\(B, 4, H, W\)'),
    (torch.zeros(2, 4, 3, 3), torch.zeros(2, 6), r'source.*\(B, 6, H, W\)'),
    (torch.zeros(2, 4, 3, 3), torch.zeros(3, 6, 3, 3), 'batches differ'),
])
def test_wrong_shapes_are_named(learner, source, message):
    with pytest.raises(ValueError, match=message):
        VIDLoss(4, 6)(learner, source)


def test_built_from_the_registry():
    loss = MODELS.build(
        dict(type='VIDLoss', student_channels=8, teacher_channels=64,
             loss_weight=2.0))
    assert isinstance(loss, VIDLoss)
    # mid_channels defaults to the teacher's channels
    assert [conv.weight.shape[:2] for conv in loss.regressor[::2]] == [
        (64, 8), (64, 64), (64, 64)
    ]
    assert loss.alpha.shape == (64, ) and loss.loss_weight == 2.0
