"""Every config in configs/ loads and builds its parts; parameter counts
match the paper where it gives them."""
from pathlib import Path

import pytest
from mmengine.config import Config
from mmengine.optim import OptimWrapper, OptimWrapperDict, build_optim_wrapper
from mmpretrain.registry import HOOKS, METRICS, MODELS

from switokd_mm.models import MultiNetworkModel

ROOT = Path(__file__).parents[1] / 'configs'
CONFIGS = sorted(p for p in ROOT.rglob('*.py') if '_base_' not in p.parts)
#: (config, network) -> parameters in millions as the paper gives them
PAPER_PARAMS = {
    ('switokd_r34_mbv2-1.4x_1xb128_tiny-imagenet.py', 'student'): 4.7,
    ('switokd_r34_mbv2-1.4x_1xb128_tiny-imagenet.py', 'teacher'): 21.3,
    ('switokd_wrn16-2_resnet32_1xb128_cifar100.py', 'teacher'): 0.70,
    ('switokd_wrn16-2_mbv2-0.5x_1xb128_cifar100.py', 'student'): 0.81,
    ('switokd_wrn16-2_mbv2-0.5x_1xb128_cifar100.py', 'teacher'): 0.70,
    ('vanilla_mbv2-0.5x_1xb128_cifar100.py', 'model'): 0.81,
    ('vanilla_wrn16-2_1xb128_cifar100.py', 'model'): 0.70,
    ('switokd_r18_r34_in1k.py', 'student'): 11.7,
    ('switokd_r18_r34_in1k.py', 'teacher'): 21.8,
    ('switokd_r18_mbv2-0.5x_8xb64_in1k.py', 'student'): 1.97,
    ('switokd_r18_mbv2-0.5x_8xb64_in1k.py', 'teacher'): 11.7,
    ('switokd_wrn16-2_resnet20_1xb128_tiny-imagenet.py', 'student'): 0.28,
    ('switokd_wrn16-2_resnet20_1xb128_tiny-imagenet.py', 'teacher'): 0.72,
    ('switokd_wrn16-8_wrn16-1_1xb128_cifar10.py', 'student'): 0.18,
    ('switokd_wrn16-8_wrn16-1_1xb128_cifar10.py', 'teacher'): 11.0,
    ('switokd_wrn40-2_wrn16-2_1xb128_cifar100.py', 'student'): 0.70,
    ('switokd_wrn40-2_wrn16-2_1xb128_cifar100.py', 'teacher'): 2.26,
}


def test_configs_found():
    names = {path.name for path in CONFIGS}
    assert {name for name, _ in PAPER_PARAMS} <= names


def millions(module):
    return sum(p.numel() for p in module.parameters()) / 1e6


@pytest.mark.parametrize(
    'path', CONFIGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_config_builds(path):
    cfg = Config.fromfile(str(path))
    assert cfg.default_scope == 'mmpretrain'
    model_cfg = cfg.model
    model_cfg.setdefault('data_preprocessor', cfg.get('data_preprocessor'))
    model = MODELS.build(model_cfg)
    if isinstance(model, MultiNetworkModel):
        networks = model.nets
    else:
        networks = {'model': model}
    for name, network in networks.items():
        assert network.head.num_classes == cfg.data_preprocessor.num_classes
        if (path.name, name) in PAPER_PARAMS:
            assert millions(network) == pytest.approx(
                PAPER_PARAMS[path.name, name], rel=0.03), name

    optim = build_optim_wrapper(model, cfg.optim_wrapper.copy())
    if isinstance(model, MultiNetworkModel):
        assert isinstance(optim, OptimWrapperDict)
        assert set(optim.keys()) <= set(model.learners)
    else:
        assert type(optim) is OptimWrapper

    for evaluator in (cfg.val_evaluator, cfg.test_evaluator):
        METRICS.build(evaluator)
    for hook in cfg.get('custom_hooks', []):
        HOOKS.build(hook)
        if hook['type'] == 'SwitchingLoggerHook':  # needs the switching state
            assert hasattr(model, 'num_expert_iters')
    # the test split is really the test split (FashionMNIST/MNIST trap)
    test_set = cfg.test_dataloader.dataset
    if test_set.type in ('FashionMNIST', 'MNIST'):
        assert test_set.split == 'test' and test_set.test_mode


@pytest.mark.parametrize(
    'folder',
    sorted(p for p in ROOT.iterdir() if p.is_dir() and p.name != '_base_'),
    ids=lambda p: p.name)
def test_metafile_lists_every_config_of_its_folder(folder):
    import yaml
    meta = yaml.safe_load((folder / 'metafile.yml').read_text())
    listed = {Path(m['Config']) for m in meta['Models']}
    repo = ROOT.parent
    for path in listed:
        assert (repo / path).is_file(), path
    local = {p.relative_to(repo) for p in folder.glob('*.py')}
    assert local <= listed
    assert (folder / 'README.md').is_file()


TABLE7 = sorted(ROOT.glob('cifar100/*_wrn16-10_wrn16-2_mobilenet_*.py'))


@pytest.mark.parametrize('path', TABLE7, ids=lambda p: p.name)
def test_table7_configs_train_a_few_iterations(path):
    """Three networks, a few real SGD steps on random 32x32 images."""
    import torch
    from mmpretrain.structures import DataSample
    cfg = Config.fromfile(str(path))
    cfg.model.setdefault('data_preprocessor', cfg.get('data_preprocessor'))
    model = MODELS.build(cfg.model)
    optim = build_optim_wrapper(model, cfg.optim_wrapper.copy())
    torch.manual_seed(0)
    for _ in range(2):
        batch = dict(
            inputs=[
                torch.randint(0, 255, (3, 32, 32), dtype=torch.uint8)
                for _ in range(4)
            ],
            data_samples=[DataSample().set_gt_label(i) for i in range(4)])
        log_vars = model.train_step(batch, optim)
    for name in model.nets:
        assert f'{name}/loss_ce' in log_vars
    if hasattr(model, 'pair_names'):  # SwitOKD / DML rows
        assert {f'switokd/{p}/expert'
                for p in model.pair_names} <= set(log_vars)
        assert model.num_iters.item() == 2
