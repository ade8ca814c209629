"""The distillation KL, reduced and per sample."""
import pytest
import torch

from switokd_mm.models.losses import distillation_kl


def test_per_sample_kl_averages_to_the_batchmean_loss():
    torch.manual_seed(0)
    learner, target = torch.randn(4, 5), torch.randn(4, 5)
    per_sample = distillation_kl(learner, target, tau=2.0, reduce=False)
    assert per_sample.shape == (4, )
    assert per_sample.mean().item() == pytest.approx(
        distillation_kl(learner, target, tau=2.0).item(), rel=1e-6)
    # sample 0: tau^2 * sum p_t (log p_t - log p_s)
    log_s = torch.log_softmax(learner[0] / 2, 0)
    log_t = torch.log_softmax(target[0] / 2, 0)
    assert per_sample[0].item() == pytest.approx(
        4 * (log_t.exp() * (log_t - log_s)).sum().item(), rel=1e-6)
