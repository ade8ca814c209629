"""AutocastOptimWrapper: bf16 forward, float32 parameters."""
import pytest
import torch
import torch.nn as nn
from mmpretrain.registry import OPTIM_WRAPPERS


def test_forward_runs_in_bfloat16_and_params_stay_float32():
    model = nn.Linear(4, 3)
    wrapper = OPTIM_WRAPPERS.build(
        dict(
            type='AutocastOptimWrapper',
            optimizer=torch.optim.SGD(model.parameters(), lr=0.1)))
    with wrapper.optim_context(model):
        out = model(torch.randn(2, 4))
    assert out.dtype == torch.bfloat16
    before = model.weight.detach().clone()
    wrapper.update_params(out.float().sum())
    assert model.weight.dtype == torch.float32
    assert not torch.equal(model.weight, before)


def test_bad_dtype():
    with pytest.raises(ValueError, match='bfloat16 or float16'):
        OPTIM_WRAPPERS.build(
            dict(
                type='AutocastOptimWrapper',
                dtype='int8',
                optimizer=torch.optim.SGD(nn.Linear(1, 1).parameters(), lr=1)))
