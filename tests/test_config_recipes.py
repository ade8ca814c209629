"""The paper rows' recipes: each config names its source and follows it."""
import re
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmpretrain.registry import MODELS

ROOT = Path(__file__).parents[1] / 'configs'
ROWS = sorted(
    p for folder in ('cifar10', 'cifar100', 'tiny_imagenet', 'imagenet')
    for p in (ROOT / folder).glob('*.py')) + [ROOT / 'switokd_r18_r34_in1k.py']


def recipe_line(path: Path) -> str:
    """The config's `# Recipe:` line, or that of the config it extends."""
    text = path.read_text()
    found = re.search(r'^# Recipe: (.*(?:\n# (?!Recipe).*)*)', text, re.M)
    if found:
        return ' '.join(found.group(1).replace('\n# ', ' ').split())
    parent = re.search(r"^_base_ = \['(\.\.?/[^']+)'\]", text, re.M)
    assert parent, f'{path.name} states no recipe source'
    return recipe_line((path.parent / parent.group(1)).resolve())


@pytest.mark.parametrize('path', ROWS, ids=lambda p: p.name)
def test_every_row_states_its_recipe_source(path):
    line = recipe_line(path)
    assert 'released' in line or line.startswith('paper text'), line


def optimizers(name):
    cfg = Config.fromfile(str(ROOT / name))
    wrapper = cfg.optim_wrapper
    if 'optimizer' in wrapper:
        return cfg, {'model': wrapper.optimizer}
    return cfg, {
        key: value.optimizer
        for key, value in wrapper.items() if isinstance(value, dict)
    }


@pytest.mark.parametrize(
    'name, expected, milestones, epochs',
    [
        # released CIFAR-100 script: teacher 0.1, student 0.01
        ('cifar100/switokd_wrn16-2_mbv2-0.5x_1xb128_cifar100.py',
         dict(teacher=('SGD', 0.1, 5e-4), student=('SGD', 0.01, 5e-4)),
         [139, 199, 249], 299),
        ('cifar100/switokd_wrn16-2_mbv2-0.5x_1xb128_cifar100_paper-adam.py',
         dict(teacher=('Adam', 0.01, 1e-4), student=('Adam', 0.01, 1e-4)),
         [140, 200, 250], 300),
        # released Table 7 scripts: Adam for MobileNet
        ('cifar100/switokd-2t1s_wrn16-10_wrn16-2_mobilenet_1xb128_cifar100.py',
         dict(
             wrn16_10=('SGD', 0.1, 5e-4),
             wrn16_2=('SGD', 0.1, 5e-4),
             mobilenet=('Adam', 0.01, 1e-4)), [139, 199, 249], 269),
        ('cifar100/vanilla_mobilenet_1xb128_cifar100.py',
         dict(model=('Adam', 0.01, 1e-4)), [139, 199, 249], 269),
        # released CIFAR-10 script: lr 0.1 for both
        ('cifar10/switokd_wrn16-8_wrn16-1_1xb128_cifar10.py',
         dict(teacher=('SGD', 0.1, 5e-4), student=('SGD', 0.1, 5e-4)),
         [99, 149, 199], 299),
        ('tiny_imagenet/switokd_r34_mbv2-1.4x_1xb128_tiny-imagenet.py',
         dict(teacher=('SGD', 0.01, 5e-4), student=('SGD', 0.01, 5e-4)),
         [99, 139, 179], 199),
        # released ImageNet script: weight decay 1e-4 (paper text: 5e-4)
        ('switokd_r18_r34_in1k.py',
         dict(teacher=('SGD', 0.1, 1e-4), student=('SGD', 0.1, 1e-4)),
         [30, 60, 90], 120),
    ])
def test_released_recipes(name, expected, milestones, epochs):
    cfg, found = optimizers(name)
    assert {
        key: (opt['type'], opt['lr'], opt['weight_decay'])
        for key, opt in found.items()
    } == expected
    assert all('momentum' not in opt for opt in found.values()
               if opt['type'] == 'Adam')
    assert cfg.param_scheduler.milestones == milestones
    assert cfg.train_cfg.max_epochs == epochs


def test_adam_through_cfg_options_as_documented():
    """The README's --cfg-options form: `_delete_` drops SGD's momentum."""
    cfg = Config.fromfile(
        str(ROOT / 'cifar10/switokd_wrn16-8_wrn16-1_1xb128_cifar10.py'))
    options = {}
    for net in ('student', 'teacher'):
        prefix = f'optim_wrapper.{net}.optimizer.'
        options.update({
            prefix + '_delete_': True,
            prefix + 'type': 'Adam',
            prefix + 'lr': 0.01,
            prefix + 'weight_decay': 1e-4
        })
    cfg.merge_from_dict(options)
    cfg.model.student = cfg.model.teacher = dict(
        type='ImageClassifier',
        backbone=dict(type='CifarResNet', depth=8),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=10, in_channels=64))
    optim = build_optim_wrapper(MODELS.build(cfg.model), cfg.optim_wrapper)
    for net in ('student', 'teacher'):
        optimizer = optim[net].optimizer
        assert isinstance(optimizer, torch.optim.Adam)
        assert optimizer.defaults['lr'] == 0.01
        assert optimizer.defaults['weight_decay'] == 1e-4
