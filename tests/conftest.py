"""Shared fixtures: tiny classifiers whose logits the tests control."""
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch
import torch.nn as nn
from mmpretrain.structures import DataSample
from mmpretrain.utils import register_all_modules

import switokd_mm  # noqa: F401
from switokd_mm.utils import filter_third_party_warnings

register_all_modules(init_default_scope=True)

import tests.fixtures.modules  # noqa: E402,F401  (FlattenBackbone, ...)

REPO = Path(__file__).resolve().parents[1]
FASHION_MNIST_SRC = Path('/usr/share/datasets/fashion-mnist')


#: fixtures that train on the real data, and test files whose tests all run
#: whole tools: what the ``e2e`` marker selects
E2E_FIXTURES = ('fashion_mnist_root', )
E2E_FILES = ('test_readme_commands.py', 'test_dist_train.py',
             'test_train_lock.py', 'test_demo.py', 'test_gpu_smoke.py')


def pytest_collection_modifyitems(config, items):
    """Mark end-to-end tests ``e2e`` (see pytest.ini), so that the unit
    tests can run alone in about a minute."""
    for item in items:
        if (set(E2E_FIXTURES) & set(getattr(item, 'fixturenames', ()))
                or item.path.name in E2E_FILES):
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """pytest resets the warning filters for every test: apply the
    package's filter of third-party notices again, before any fixture (a
    session fixture's run included) is set up."""
    filter_third_party_warnings()


def linear_classifier(num_classes: int,
                      in_channels: int = None,
                      norm: bool = False) -> dict:
    """Config of an ImageClassifier computing one linear layer (optionally
    after a BatchNorm of its input)."""
    in_channels = in_channels or num_classes
    return dict(
        type='ImageClassifier',
        backbone=dict(
            type='FlattenBackbone', norm_channels=in_channels if norm else 0),
        head=dict(
            type='LinearClsHead',
            num_classes=num_classes,
            in_channels=in_channels))


def set_linear(classifier: nn.Module,
               weight: torch.Tensor,
               bias: torch.Tensor = None) -> None:
    """Overwrite the head of a :func:`linear_classifier`."""
    with torch.no_grad():
        classifier.head.fc.weight.copy_(weight)
        classifier.head.fc.bias.copy_(
            torch.zeros(weight.size(0)) if bias is None else bias)


def make_batch(inputs: torch.Tensor, labels) -> dict:
    """A dataloader-style batch of 4D inputs (B, D, 1, 1) and labels."""
    samples = [DataSample().set_gt_label(int(label)) for label in labels]
    return dict(
        inputs=[x.view(-1, 1, 1) for x in inputs], data_samples=samples)


@pytest.fixture(scope='session')
def fashion_mnist_root(tmp_path_factory) -> Path:
    """The real Fashion-MNIST, unpacked once per test session."""
    if not FASHION_MNIST_SRC.is_dir():
        pytest.fail('Fashion-MNIST is missing: run `apt-get install '
                    'dataset-fashion-mnist` (tools/run_tests.sh does).')
    from tools.dataset_converters.prepare_fashion_mnist import prepare
    root = tmp_path_factory.mktemp('fashion_mnist')
    prepare(FASHION_MNIST_SRC, root)
    return root


#: A seconds-long SwitOKD run on real Fashion-MNIST (tests/fixtures).
CONFIG = str(REPO / 'tests' / 'fixtures' / 'tiny_switokd_fashion_mnist.py')


def data_root_options(data_root) -> list:
    """--cfg-options pointing every dataloader at ``data_root``."""
    return [
        f'{loader}.dataset.data_root={data_root}'
        for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader')
    ]


def run_train(work_dir, data_root, name, *extra, config=CONFIG):
    """tools/train.py on a fixture config, in this process; ``extra`` are
    more arguments (``--cfg-options`` ones come last)."""
    from tools import train as train_tool
    train_tool.main([
        str(config), '--work-dir',
        str(work_dir), *extra, '--cfg-options', f'experiment_name={name}',
        *data_root_options(data_root)
    ])


def plain_runner_top1(stem, work_dir) -> float:
    """The top-1 accuracy a plain mmengine Runner (a fresh process, no
    plugin registered but what the config imports) gives the network
    exported as ``<stem>.py`` and ``<stem>.pth``
    (tools/model_converters/export_student.py) on its test data."""
    script = textwrap.dedent(f'''
        from mmengine.config import Config
        from mmengine.runner import Runner
        cfg = Config.fromfile('{stem}.py')
        cfg.work_dir = '{work_dir}'
        cfg.load_from = '{stem}.pth'
        metrics = Runner.from_cfg(cfg).test()
        print('TOP1', metrics['accuracy/top1'])
    ''')
    result = subprocess.run([sys.executable, '-c', script],
                            cwd=Path(work_dir).parent,
                            capture_output=True,
                            text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return float(result.stdout.split('TOP1')[-1])


@pytest.fixture(scope='session')
def straight_run(tmp_path_factory, fashion_mnist_root):
    """Three uninterrupted epochs of the tiny run (both modes occur)."""
    work_dir = tmp_path_factory.mktemp('straight')
    run_train(work_dir, fashion_mnist_root, 'straight')
    return work_dir
