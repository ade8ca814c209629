"""Every config in configs/ loads and builds its parts."""
from pathlib import Path

import pytest
from mmengine.config import Config
from mmpretrain.registry import (HOOKS, METRICS, MODELS,
                                 OPTIM_WRAPPER_CONSTRUCTORS)

from switokd_mm.engine.optim_wrappers import SwitchableOptimWrapperDict
from switokd_mm.models import SwitOKD

CONFIGS = sorted((Path(__file__).parents[1] / 'configs').glob('*.py'))
#: (config, network) -> parameters in millions as the paper gives them
PAPER_PARAMS = {
    ('switokd_r34_mbv2-1.4x_1xb128_tiny-imagenet.py', 'student'): 4.7,
    ('switokd_r34_mbv2-1.4x_1xb128_tiny-imagenet.py', 'teacher'): 21.3,
    ('switokd_wrn16-2_resnet32_1xb128_cifar100.py', 'teacher'): 0.70,
    ('switokd_r18_r34_in1k.py', 'student'): 11.7,
    ('switokd_r18_r34_in1k.py', 'teacher'): 21.8,
}


def test_configs_found():
    assert len(CONFIGS) >= 4
    names = {path.name for path in CONFIGS}
    assert {name for name, _ in PAPER_PARAMS} <= names


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: p.name)
def test_config_builds(path):
    cfg = Config.fromfile(str(path))
    assert cfg.default_scope == 'mmpretrain'
    model_cfg = cfg.model
    model_cfg.setdefault('data_preprocessor', cfg.get('data_preprocessor'))
    model = MODELS.build(model_cfg)
    assert isinstance(model, SwitOKD)
    for network in ('student', 'teacher'):
        millions = sum(p.numel()
                       for p in getattr(model, network).parameters()) / 1e6
        if (path.name, network) in PAPER_PARAMS:
            assert millions == pytest.approx(
                PAPER_PARAMS[path.name, network], rel=0.03)
    assert model.num_classes == cfg.data_preprocessor.num_classes

    optim_cfg = cfg.optim_wrapper.copy()
    constructor = OPTIM_WRAPPER_CONSTRUCTORS.build(
        dict(type=optim_cfg.pop('constructor'), optim_wrapper_cfg=optim_cfg))
    optim = constructor(model)
    assert isinstance(optim, SwitchableOptimWrapperDict)
    assert set(optim.keys()) == {'student', 'teacher'}

    for evaluator in (cfg.val_evaluator, cfg.test_evaluator):
        METRICS.build(evaluator)
    for hook in cfg.custom_hooks:
        HOOKS.build(hook)
    # the test split is really the test split (FashionMNIST/MNIST trap)
    test_set = cfg.test_dataloader.dataset
    if test_set.type in ('FashionMNIST', 'MNIST'):
        assert test_set.split == 'test' and test_set.test_mode
