"""--auto-scale-lr follows mmpretrain: lr x (world size x batch size) /
auto_scale_lr.base_batch_size, for every network's optimizer."""
import pytest
from mmengine.config import Config

from switokd_mm.apis import cli
from tests.conftest import CONFIG, REPO
from tools import train as train_tool

DEMO = str(REPO / 'configs' /
           'switokd-eq5_wrn16-1_resnet8-w4_1xb128-tlr0.1-slr0.01-3e_'
           'fashion-mnist-20k.py')


def merged(config, *extra):
    args = train_tool.parse_args([config, '--auto-scale-lr', *extra])
    cfg = Config.fromfile(config)
    cfg.work_dir = 'unused'
    return train_tool.merge_args(cfg, args)


def test_demo_config_enables_it():
    assert merged(DEMO).auto_scale_lr == dict(
        base_batch_size=128, enable=True)


def test_config_without_base_batch_size_is_told_what_to_add(tmp_path):
    bare = tmp_path / 'bare.py'
    bare.write_text(f"_base_ = ['{CONFIG}']\nauto_scale_lr = None\n")
    with pytest.raises(ValueError, match=r'auto_scale_lr = dict\('
                       r'base_batch_size=N\)'):
        merged(str(bare))


def test_every_network_lr_is_scaled(tmp_path):
    cfg = merged(CONFIG)  # batch 32 of base 128: lr x 0.25
    cfg.work_dir = str(tmp_path)
    runner = cli.build_runner(cfg)
    wrappers = runner.build_optim_wrapper(runner.optim_wrapper)
    before = {k: w.get_lr()['lr'][0] for k, w in wrappers.items()}
    runner.scale_lr(wrappers, runner.auto_scale_lr)
    assert set(before) == {'student', 'teacher'}
    for name, wrapper in wrappers.items():
        assert wrapper.get_lr()['lr'][0] == pytest.approx(before[name] / 4)
