"""Feature losses against values computed by hand and by short independent
formulas; per-sample weights."""
import pytest
import torch

from switokd_mm.models.losses import ATLoss, FitNetLoss, attention_map


def test_attention_map_by_hand():
    # one sample, two channels of 1x2: |A|^2 channel means (2.5, 8) -> /norm
    features = torch.tensor([[[[1.0, 2.0]], [[-2.0, 2.0 * 2**0.5]]]])
    norm = (2.5**2 + 6.0**2)**0.5
    expected = torch.tensor([[2.5 / norm, 6.0 / norm]])
    assert torch.allclose(attention_map(features), expected)


def test_at_loss_is_the_mean_squared_difference_of_attention_maps():
    torch.manual_seed(0)
    student, teacher = torch.randn(3, 4, 5, 5), torch.randn(3, 16, 5, 5)

    def at(x):  # the released code's formula, written independently
        a = x.pow(2).mean(1).view(x.size(0), -1)
        return a / a.norm(dim=1, keepdim=True)

    expected = (at(student) - at(teacher)).pow(2).mean()
    assert ATLoss(loss_weight=1000.0)(student, teacher).item() == \
        pytest.approx(1000.0 * expected.item(), rel=1e-5)


def test_fitnet_loss_is_the_mean_squared_error():
    learner = torch.tensor([[[[1.0, 2.0]]], [[[0.0, 0.0]]]])
    source = torch.tensor([[[[0.0, 0.0]]], [[[3.0, 1.0]]]])
    # per sample (1 + 4) / 2 = 2.5 and (9 + 1) / 2 = 5; mean 3.75
    assert FitNetLoss(loss_weight=2.0)(learner, source).item() == \
        pytest.approx(7.5)


@pytest.mark.parametrize('loss', [ATLoss(), FitNetLoss()])
def test_a_sample_of_weight_zero_gets_no_gradient(loss):
    torch.manual_seed(0)
    learner = torch.randn(3, 4, 5, 5, requires_grad=True)
    source = torch.randn(3, 4, 5, 5)
    weight = torch.tensor([1.0, 0.0, 2.0])
    loss(learner, source, weight).backward()
    assert torch.count_nonzero(learner.grad[1]) == 0
    assert torch.count_nonzero(learner.grad[0]) > 0
    unweighted = loss(learner[[0, 2]], source[[0, 2]], torch.tensor([1.0,
                                                                    2.0]))
    # weight 0 removes the sample; the mean still divides by the batch
    assert loss(learner, source, weight).item() == pytest.approx(
        unweighted.item() * 2 / 3)


def test_shapes_that_cannot_match_are_named():
    with pytest.raises(ValueError, match='connector'):
        FitNetLoss()(torch.zeros(2, 8, 7, 7), torch.zeros(2, 64, 7, 7))
    with pytest.raises(ValueError, match=r'\(B, C, H, W\)'):
        ATLoss()(torch.zeros(2, 8, 7, 7), torch.zeros(2, 8, 14, 14))
