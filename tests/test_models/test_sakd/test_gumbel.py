"""Hard Gumbel-softmax decisions: one-hot forward, the soft sample's
gradient backward, noise from torch's global generator."""
import pytest
import torch
import torch.nn.functional as F

from switokd_mm.models.sakd import (gumbel_noise, hard_gumbel_softmax,
                                    straight_through)
from switokd_mm.models.sakd.gumbel import EPS

F64 = dict(dtype=torch.float64)


def test_straight_through_forward_is_the_one_hot_of_the_argmax():
    soft = torch.tensor([[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]], **F64)
    assert straight_through(soft).tolist() == [[0., 1., 0.], [1., 0., 0.]]


def test_straight_through_backward_is_the_soft_gradient():
    logits = torch.tensor([[0.3, -1.2, 2.0], [1.5, 0.1, -0.4]], **F64)
    upstream = torch.tensor([[1.0, -2.0, 0.5], [0.25, 3.0, -1.0]], **F64)

    x = logits.clone().requires_grad_()
    hard = straight_through(F.softmax(x, -1))
    (hard * upstream).sum().backward()

    y = logits.clone().requires_grad_()
    (F.softmax(y, -1) * upstream).sum().backward()

    assert hard.tolist() == [[0., 0., 1.], [1., 0., 0.]]
    assert torch.equal(x.grad, y.grad)
    assert x.grad.abs().sum() > 0


def test_hard_gumbel_softmax_with_given_noise_by_hand():
    """(logits + g) / T: argmax of [0.5 + 1.0, 1.0 - 0.2, -0.5 + 0.3] =
    [1.5, 0.8, -0.2] is choice 0, of [0.0 - 0.1, 0.1 + 0.4, 2.0 - 3.0] =
    [-0.1, 0.5, -1.0] choice 1; its gradient is the softmax's."""
    temperature = 5.0
    logits = torch.tensor([[0.5, 1.0, -0.5], [0.0, 0.1, 2.0]], **F64)
    noise = torch.tensor([[1.0, -0.2, 0.3], [-0.1, 0.4, -3.0]], **F64)
    upstream = torch.tensor([[2.0, -1.0, 0.5], [-0.5, 1.5, 1.0]], **F64)

    x = logits.clone().requires_grad_()
    hard = hard_gumbel_softmax(x, temperature, noise)
    (hard * upstream).sum().backward()
    expected = F.one_hot(((logits + noise) / temperature).argmax(-1), 3)
    assert torch.equal(hard, expected.to(hard.dtype))
    assert hard.tolist() == [[1., 0., 0.], [0., 1., 0.]]

    y = logits.clone().requires_grad_()
    (F.softmax((y + noise) / temperature, -1) * upstream).sum().backward()
    torch.testing.assert_close(x.grad, y.grad, rtol=1e-14, atol=1e-15)
    assert x.grad.abs().sum() > 0


def test_hard_gumbel_softmax_draws_its_noise_when_none_is_given():
    logits = torch.randn(4, 3, 2)
    torch.manual_seed(7)
    drawn = hard_gumbel_softmax(logits, 5.0)
    torch.manual_seed(7)
    noise = gumbel_noise(logits.shape)
    assert torch.equal(drawn, hard_gumbel_softmax(logits, 5.0, noise))


def test_gumbel_noise_comes_from_torch_global_generator():
    torch.manual_seed(123)
    first = gumbel_noise(torch.Size([5, 4]))
    torch.manual_seed(123)
    again = gumbel_noise(torch.Size([5, 4]))
    torch.manual_seed(123)
    uniform = torch.rand(5, 4)
    assert first.shape == (5, 4)
    assert torch.equal(first, again)
    assert torch.equal(first, -torch.log(-torch.log(uniform + EPS) + EPS))
    assert not torch.equal(gumbel_noise(torch.Size([5, 4])), first)


@pytest.mark.parametrize('value, expected', [(0.0, -3.8297),
                                             (1.0 - 2.0**-24, 16.6355)])
def test_gumbel_noise_is_finite_at_the_ends_of_the_uniform(
        monkeypatch, value, expected):
    """U = 0: -log(-log(1e-20)) = -log(46.05); U = the largest float32
    below 1: -log(-log(U)) = -log(5.96e-8) = 16.64."""
    monkeypatch.setattr(
        torch, 'rand', lambda shape, device=None: torch.full(shape, value))
    noise = gumbel_noise(torch.Size([3]))
    assert torch.isfinite(noise).all()
    assert noise.tolist() == pytest.approx([expected] * 3, abs=1e-3)
