"""tools/benchmarks/gpu_smoke.sh: one line and exit 0 without CUDA; its
configs, synthetic data and verdicts; a CPU run of every check with tiny
sizes (slow)."""
import os
import subprocess

import pytest
import torch
from mmengine.config import Config

from tests.conftest import REPO
from tools.benchmarks import gpu_smoke


def smoke_args(*extra):
    return gpu_smoke.parse_args([
        '--iters', '2', '--val-iters', '1', '--batch-size', '2',
        '--image-size', '32', '--rounds', '2', '--warmup', '1', *extra
    ])


def test_without_cuda_one_line_and_exit_0():
    done = subprocess.run(['bash', 'tools/benchmarks/gpu_smoke.sh'],
                          cwd=REPO,
                          env=dict(os.environ, CUDA_VISIBLE_DEVICES=''),
                          capture_output=True,
                          text=True)
    assert done.returncode == 0
    assert done.stderr == ''
    (line, ) = done.stdout.splitlines()
    assert line.startswith('gpu_smoke: --device cuda: CUDA is not available')
    assert line.endswith('nothing checked (it needs an NVIDIA GPU)')


def test_smoke_config_forces_the_mode_on_synthetic_data(tmp_path):
    cfg = gpu_smoke.smoke_config('switokd_expert', smoke_args())
    assert cfg.sync_bn == 'torch'
    assert cfg.model.threshold == dict(type='FixedThreshold', delta=0.0)
    assert cfg.model.student.backbone.depth == 18
    assert cfg.model.teacher.backbone.depth == 34
    assert cfg.train_dataloader.dataset == dict(
        type='SyntheticImages', length=4, num_classes=1000, image_size=32)
    assert cfg.val_dataloader.dataset.length == 2
    assert cfg.train_cfg.max_epochs == 1
    assert cfg.default_hooks.checkpoint is None
    assert cfg.custom_hooks[-1] == dict(type='SmokeProbe')
    # the file tools/train.py runs: it loads, with the module imported
    cfg.dump(str(tmp_path / 'config.py'))
    loaded = Config.fromfile(str(tmp_path / 'config.py'))
    assert 'tools.benchmarks.gpu_smoke' in loaded.custom_imports.imports
    cpu = gpu_smoke.smoke_config('switokd_learning',
                                 smoke_args('--device', 'cpu'))
    assert 'sync_bn' not in cpu  # SyncBatchNorm refuses CPU tensors
    assert cpu.model.threshold == dict(type='NeverSwitch')


def test_synthetic_images_are_packed_and_reproducible():
    dataset = gpu_smoke.SyntheticImages(3, num_classes=5, image_size=8)
    first, again = dataset[1], dataset[1]
    assert len(dataset) == 3
    assert first['inputs'].shape == (3, 8, 8)
    assert first['inputs'].dtype == torch.uint8
    assert torch.equal(first['inputs'], again['inputs'])
    assert 0 <= int(first['data_samples'].gt_label) < 5
    assert not torch.equal(first['inputs'], dataset[2]['inputs'])


def run_records(expert: float, loss: float = 1.0) -> list:
    return [
        dict(step=1, loss=loss, time=0.05, memory=900, **{
            'switokd/iter_expert': expert
        }),
        dict(step=2, loss=loss, time=0.04, memory=1000, **{
            'switokd/iter_expert': expert
        }),
        {
            'step': 1,
            'student/accuracy/top1': 0.1
        },
    ]


def test_train_row_ok_and_failed():
    probe = dict(
        batch_norms=56,
        sync_batch_norms=56,
        wrappers=dict(student='AmpOptimWrapper', teacher='AmpOptimWrapper'),
        amp=True)
    args = smoke_args()
    row = gpu_smoke.train_row('train expert', run_records(1.0), probe, 1.0,
                              args)
    assert row[:6] == ['train expert', 'ok', '40.0', '1000', '–', '–']
    assert row[6] == ('2 iterations, expert share 1.00; 56/56 BatchNorm '
                      'layers SyncBatchNorm; AmpOptimWrapper')
    row = gpu_smoke.train_row('train learning',
                              run_records(1.0, float('nan')),
                              dict(probe, sync_batch_norms=0, amp=False), 0.0,
                              args)
    assert row[1] == 'FAILED'
    assert row[6].startswith(
        'a loss is not finite; expert share 1.00, forced 0; an optimizer '
        'wrapper without AMP; 0/56 BatchNorm layers are SyncBatchNorm; ')


@pytest.mark.slow
def test_every_check_runs_on_the_cpu(tmp_path, capsys):
    """~40 s on 2 CPU cores: two tools/train.py runs and speed.py."""
    status = gpu_smoke.main([
        '--device', 'cpu', '--iters', '2', '--val-iters', '1',
        '--batch-size', '2', '--image-size', '32', '--rounds', '2',
        '--warmup', '1', '--work-dir',
        str(tmp_path)
    ])
    out = capsys.readouterr().out
    assert status == 0, out
    rows = [line.split(' | ') for line in out.splitlines()[4:12]]
    assert [row[0] for row in rows] == [
        '| train learning', '| train expert', '| speed switokd_learning',
        '| speed switokd_expert', '| speed dml', '| speed kdcl',
        '| speed ideal_learning', '| speed ideal_expert'
    ]
    assert all(row[1] == 'ok' for row in rows)
    assert 'expert share 0.00' in rows[0][6]
    assert 'expert share 1.00' in rows[1][6]
    assert out.rstrip().endswith('all 8 checks passed')
