"""CCLoss: the paper's correlation congruence against loops over the
batch, its sample selection and its trained embeddings (its place in the
student as a config term's loss: test_distill/test_terms.py)."""
import math

import pytest
import torch
from mmpretrain.registry import MODELS

from switokd_mm.models.losses.feature.cc import CCLoss, taylor_gaussian


def features(batch=5, student=6, teacher=10, dtype=torch.float64):
    torch.manual_seed(0)
    return (torch.randn(batch, student, dtype=dtype),
            torch.randn(batch, teacher, dtype=dtype))


def cc(**kwargs):
    torch.manual_seed(1)
    return CCLoss(6, 10, embed_dim=4, **kwargs).double()


def by_loops(loss, learner, source, kernel='gaussian', gamma=0.4, order=2):
    """The paper's loss computed sample pair by sample pair, in float64,
    from the module's own embeddings."""

    def embed(linear, x):
        weight = linear.weight.detach().double()
        bias = linear.bias.detach().double()
        rows = []
        for sample in x.double():
            e = [float(weight[k] @ sample + bias[k])
                 for k in range(len(bias))]
            norm = math.sqrt(sum(v * v for v in e))
            rows.append([v / norm for v in e])
        return rows

    def k(x, y):
        dot = sum(a * b for a, b in zip(x, y))
        if kernel == 'bilinear':
            return dot
        return sum(
            math.exp(-2 * gamma) * (2 * gamma)**p / math.factorial(p) *
            dot**p for p in range(order + 1))

    s = embed(loss.student_embed, learner)
    t = embed(loss.teacher_embed, source)
    n = len(s)
    total = sum((k(t[i], t[j]) - k(s[i], s[j]))**2 for i in range(n)
                for j in range(n))
    return total / n**2


@pytest.mark.parametrize('kwargs', [
    dict(),
    dict(kernel='bilinear'),
    dict(gamma=0.7, order=3),
])
def test_value_is_the_papers_against_loops(kwargs):
    learner, source = features()
    loss = cc(**kwargs)
    expected = by_loops(loss, learner, source, **kwargs)
    assert expected > 0
    assert loss(learner, source).item() == pytest.approx(expected, rel=1e-10)


def test_the_taylor_series_approaches_the_gaussian_kernel():
    torch.manual_seed(0)
    x = torch.nn.functional.normalize(torch.randn(6, 5, dtype=torch.float64))
    exact = torch.exp(-0.4 * torch.cdist(x, x).pow(2))
    assert torch.allclose(taylor_gaussian(x @ x.t(), 0.4, 15), exact,
                          atol=1e-12)
    # P = 2 is an approximation, close for gamma = 0.4
    assert torch.allclose(taylor_gaussian(x @ x.t(), 0.4, 2), exact,
                          atol=0.05)


def test_map_features_are_average_pooled():
    learner, source = features()
    maps = (learner[:, :, None, None].expand(-1, -1, 3, 4).clone(),
            source[:, :, None, None].expand(-1, -1, 2, 2).clone())
    loss = cc()
    assert loss(*maps).item() == pytest.approx(
        loss(learner, source).item(), rel=1e-12)


def test_selection_relates_the_selected_samples_only():
    learner, source = features()
    learner.requires_grad_(True)
    loss = cc()
    weight = torch.tensor([1.0, 0.0, 1.0, 1.0, 0.0], dtype=torch.float64)
    value = loss(learner, source, weight)
    keep = [0, 2, 3]
    subset = by_loops(loss, learner[keep].detach(), source[keep])
    assert value.item() == pytest.approx(3 / 5 * subset, rel=1e-10)
    value.backward()
    assert torch.count_nonzero(learner.grad[[1, 4]]) == 0
    assert torch.count_nonzero(learner.grad[keep]) > 0


def test_fewer_than_two_selected_samples_give_zero():
    learner, source = features()
    learner.requires_grad_(True)
    value = cc()(learner, source, torch.tensor([0.0, 1.0, 0.0, 0.0, 0.0]))
    value.backward()
    assert value.item() == 0
    assert torch.count_nonzero(learner.grad) == 0


def test_a_weight_other_than_zero_or_one_is_refused():
    learner, source = features()
    with pytest.raises(ValueError, match='0 or 1'):
        cc()(learner, source, torch.tensor([1.0, 2.0, 1.0, 1.0, 1.0]))


def test_gradients_reach_both_embeddings_and_the_learner():
    learner, source = features()
    learner.requires_grad_(True)
    loss = cc()
    loss(learner, source).backward()
    for param in (loss.student_embed.weight, loss.student_embed.bias,
                  loss.teacher_embed.weight, loss.teacher_embed.bias):
        assert param.grad is not None and torch.count_nonzero(param.grad) > 0
    assert torch.count_nonzero(learner.grad) > 0


def test_loss_weight_scales():
    learner, source = features()
    assert cc(loss_weight=3.0)(learner, source).item() == pytest.approx(
        3.0 * cc()(learner, source).item(), rel=1e-12)


@pytest.mark.parametrize('learner, source, message', [
    (torch.zeros(5, 7), torch.zeros(5, 10), r'learner.*\(B, 6\)'),
    (torch.zeros(5, 6), torch.zeros(5, 10, 3), r'source.*\(B, 10\)'),
    (torch.zeros(5, 6), torch.zeros(4, 10), 'batches differ'),
])
def test_wrong_shapes_are_named(learner, source, message):
    with pytest.raises(ValueError, match=message):
        CCLoss(6, 10)(learner, source)


def test_unknown_kernel_is_refused():
    with pytest.raises(ValueError, match='kernel'):
        CCLoss(6, 10, kernel='polynomial')


def test_built_from_the_registry():
    loss = MODELS.build(
        dict(type='CCLoss', student_channels=8, teacher_channels=64,
             kernel='bilinear', loss_weight=2.0))
    assert isinstance(loss, CCLoss)
    assert loss.student_embed.in_features == 8
    assert loss.teacher_embed.in_features == 64
    assert loss.student_embed.out_features == 128
    assert (loss.kernel, loss.loss_weight) == ('bilinear', 2.0)
