"""SAKD's policy loss by hand: the gamma rule and the half-batch hinge."""
import pytest
import torch

from switokd_mm.models.sakd import (logit_hinge, policy_losses,
                                    weighted_graft_ce)


@pytest.mark.parametrize(
    'graft, student, value, grad',
    [
        (3.0, 1.0, 3.0 * 2.5, 2.5),  # the graft is worse: gamma * g
        (1.0, 3.0, 1.0 / 2.5, 1 / 2.5),  # better: g / gamma
        (2.0, 2.0, 2.0, 1.0),  # equal: g
    ],
    ids=['above', 'below', 'equal'])
def test_weighted_graft_ce_branches_by_hand(graft, student, value, grad):
    graft_ce = torch.tensor(graft, dtype=torch.float64, requires_grad=True)
    student_ce = torch.tensor(student, dtype=torch.float64, requires_grad=True)
    loss = weighted_graft_ce(graft_ce, student_ce, gamma=2.5)
    assert loss.item() == pytest.approx(value, rel=1e-15)
    loss.backward()
    assert graft_ce.grad.item() == pytest.approx(grad, rel=1e-15)
    assert student_ce.grad is None


def test_logit_hinge_below_half_the_batch():
    """B = 4, one sample distilled at the logits: max(0, 2 - 1) = 1, and
    each decision's gradient is -1."""
    decisions = torch.tensor([0., 1., 0., 0.], requires_grad=True)
    hinge = logit_hinge(decisions)
    assert hinge.item() == 1.0
    hinge.backward()
    assert decisions.grad.tolist() == [-1.0] * 4


def test_logit_hinge_above_half_the_batch_is_zero_without_gradient():
    decisions = torch.tensor([1., 1., 0., 1.], requires_grad=True)
    hinge = logit_hinge(decisions)
    assert hinge.item() == 0.0
    hinge.backward()
    assert decisions.grad.tolist() == [0.0] * 4


def test_logit_hinge_of_an_odd_batch():
    """B = 5, nothing distilled: 5 / 2 - 0 = 2.5."""
    assert logit_hinge(torch.zeros(5)).item() == 2.5


def test_policy_losses_detach_the_student_ce():
    graft_ce = torch.tensor(1.0, requires_grad=True)
    student_ce = torch.tensor(4.0, requires_grad=True)
    decisions = torch.tensor([0., 0., 1., 0.], requires_grad=True)
    losses = policy_losses(graft_ce, student_ce, 2.0, decisions)
    assert set(losses) == {'loss_graft', 'loss_hinge'}
    assert losses['loss_graft'].item() == 0.5  # below: 1 / 2
    assert losses['loss_hinge'].item() == 1.0  # 4 / 2 - 1
    total = losses['loss_graft'] + losses['loss_hinge']
    (unused, ) = torch.autograd.grad(
        total, [student_ce], retain_graph=True, allow_unused=True)
    assert unused is None
    total.backward()
    assert student_ce.grad is None
    assert graft_ce.grad.item() == 0.5
    assert decisions.grad.tolist() == [-1.0] * 4
