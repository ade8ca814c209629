"""The demo config switches with the adaptive threshold on real data: a
short run of it (its first 40 iterations, from a smaller slice of the
training set) pauses the teacher in some iterations and not in others. The
demo installs the package without the test tools."""
import os
import shutil
import subprocess

from mmengine.config import Config

from switokd_mm.utils import load_records, summarize_records
from tests.conftest import REPO, run_train

DEMO = REPO / 'configs' / (
    'switokd-eq5_wrn16-1_resnet8-w4_1xb128-tlr0.1-slr0.01-3e_'
    'fashion-mnist-20k.py')


def test_demo_uses_the_adaptive_threshold():
    model = Config.fromfile(str(DEMO)).model
    assert model.get(
        'threshold',
        dict(type='AdaptiveThreshold')) == dict(type='AdaptiveThreshold')


def test_short_demo_run_switches(tmp_path, fashion_mnist_root):
    run_train(
        tmp_path,
        fashion_mnist_root,
        'short_demo',
        '--cfg-options',
        'train_dataloader.dataset.indices=5120',
        'train_cfg.max_epochs=1',
        'val_dataloader.dataset.indices=512',
        config=DEMO)
    summary = summarize_records(load_records(tmp_path))
    assert summary['iterations'] == 40
    assert 0 < summary['expert_iterations'] < 40
    assert summary['switches'] >= 2
    assert {'student/accuracy/top1', 'teacher/accuracy/top1'} <= set(summary)


def test_demo_installs_without_the_test_tools(tmp_path):
    """demo.sh with a logging install.sh and a python that does nothing."""
    (tmp_path / 'tools').mkdir()
    shutil.copy(REPO / 'tools' / 'demo.sh', tmp_path / 'tools')
    (tmp_path / 'tools' / 'install.sh').write_text(
        'echo "$@" > install.args\n')
    python = tmp_path / 'python'
    python.write_text('#!/bin/sh\n')
    python.chmod(0o755)
    subprocess.run(['bash', 'tools/demo.sh'],
                   cwd=tmp_path,
                   env=dict(
                       os.environ,
                       PYTHON=str(python),
                       WORK_DIR=str(tmp_path / 'demo')),
                   capture_output=True,
                   check=True)
    assert (tmp_path / 'install.args').read_text() == '--without-tests\n'
