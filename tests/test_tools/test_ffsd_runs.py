"""FFSD through tools/train.py on Fashion-MNIST: it trains every learner
and logs every term and the warm-up, a kill -9 in the middle of an epoch
then ``--resume`` ends exactly where an uninterrupted run ends, and the
exported leader (without its trans-fusion head) scores, in a plain
mmengine Runner, what the run reported."""
import math
import os
import signal
import subprocess
import sys

import pytest
import torch
from mmengine.runner.checkpoint import _load_checkpoint

from switokd_mm.utils import load_records
from tests.conftest import (REPO, data_root_options, plain_runner_top1,
                            run_train)
from tools.model_converters.export_student import export

FFSD = str(REPO / 'tests' / 'fixtures' / 'tiny_ffsd_fashion_mnist.py')
LEARNERS = ('leader', 'student0', 'student1', 'fusion', 'decoder_student1',
            'decoder_leader')


@pytest.fixture(scope='module')
def straight(tmp_path_factory, fashion_mnist_root):
    work_dir = tmp_path_factory.mktemp('ffsd_straight')
    run_train(work_dir, fashion_mnist_root, 'straight', config=FFSD)
    return work_dir


def test_every_learner_trains_and_logs_its_terms(straight):
    records = [r for r in load_records(straight) if 'leader/loss' in r]
    for key in ('student0/loss_kd', 'student1/loss_div', 'student1/loss_sd',
                'fusion/loss_kd', 'leader/loss_fusion',
                'leader/loss_trans_fusion', 'leader/loss_sd',
                'decoder_leader/loss_feature',
                'decoder_student1/loss_attention'):
        assert all(math.isfinite(r[key]) for r in records), key
    assert 'student0/loss_div' not in records[0]
    # warm-up over 2 epochs: exp(-5 (1 - 1/2)^2) in the first, 1 after
    by_epoch = {r['epoch']: r['ffsd/warmup'] for r in records}
    assert by_epoch == pytest.approx({1: math.exp(-1.25), 2: 1.0})
    first = _load_checkpoint(str(straight / 'iter_3.pth'))['state_dict']
    last = _load_checkpoint(str(straight / 'iter_16.pth'))['state_dict']
    for learner in LEARNERS:
        assert any(not torch.equal(v, last[k]) for k, v in first.items()
                   if k.startswith(f'{learner}.')), learner
    assert any(
        not torch.equal(v, last[k]) for k, v in first.items()
        if k.startswith('leader.distill_connectors.trans_fusion.'))


def test_kill_mid_epoch_then_resume_equals_the_uninterrupted_run(
        straight, tmp_path, fashion_mnist_root):
    killed_dir = tmp_path / 'killed'
    killed = subprocess.run([
        sys.executable, 'tools/train.py', FFSD, '--work-dir',
        str(killed_dir), '--cfg-options', 'experiment_name=killed',
        *data_root_options(fashion_mnist_root)
    ],
                            cwd=REPO,
                            env=dict(
                                os.environ,
                                KILL_AT_ITER='11',
                                PYTHONPATH=str(REPO)),
                            capture_output=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert (killed_dir / 'last_checkpoint').read_text().endswith('iter_9.pth')
    run_train(
        killed_dir, fashion_mnist_root, 'resumed', '--resume', config=FFSD)
    expected = _load_checkpoint(str(straight / 'iter_16.pth'))
    resumed = _load_checkpoint(str(killed_dir / 'iter_16.pth'))
    assert expected['state_dict'].keys() == resumed['state_dict'].keys()
    for key, value in expected['state_dict'].items():
        assert torch.equal(value, resumed['state_dict'][key]), key
    for learner in LEARNERS:
        states = expected['optimizer'][learner]['state']
        for index, state in states.items():
            for name, value in state.items():
                assert torch.equal(
                    torch.as_tensor(value),
                    torch.as_tensor(resumed['optimizer'][learner]['state']
                                    [index][name])), (learner, name)


def test_exported_leader_scores_in_plain_mmengine_what_the_run_did(
        straight, tmp_path):
    stem = export(
        str(straight / 'iter_16.pth'), str(tmp_path / 'out'),
        networks=('leader', ))['leader']
    weights = torch.load(f'{stem}.pth', weights_only=True)['state_dict']
    assert not any('trans_fusion' in key for key in weights)
    top1 = plain_runner_top1(stem, tmp_path / 'test')
    logged = [
        r['leader/accuracy/top1'] for r in load_records(straight)
        if 'leader/accuracy/top1' in r
    ][-1]
    assert top1 == pytest.approx(logged)
