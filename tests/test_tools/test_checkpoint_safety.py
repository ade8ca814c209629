"""Through tools/train.py and tools/test.py: no code runs from a
checkpoint, a kill during checkpoint rotation loses no work, and loads or
resumes that do not fit are refused before training."""
import os
import signal
import subprocess
import sys

import pytest
import torch
from mmengine.runner.checkpoint import _load_checkpoint

from switokd_mm.checkpoint import enable_safe_checkpoints
from tests.conftest import CONFIG, REPO, data_root_options, run_train
from tools import test as test_tool
from tools.model_converters.export_student import export


def crafted(source, target, **meta):
    """A copy of checkpoint ``source`` with ``meta`` entries replaced."""
    enable_safe_checkpoints()
    checkpoint = _load_checkpoint(str(source))
    for key, value in meta.items():
        if isinstance(value, dict):
            checkpoint['meta'][key] = dict(checkpoint['meta'][key], **value)
        else:
            checkpoint['meta'][key] = value
    torch.save(checkpoint, target)
    return target


def test_config_string_in_a_checkpoint_never_runs(straight_run, tmp_path,
                                                  fashion_mnist_root):
    """mmengine's resume would Config.fromstring(meta['config'])."""
    marker = tmp_path / 'pwned'
    evil = crafted(
        straight_run / 'epoch_3.pth',
        tmp_path / 'evil.pth',
        config=f"import os\nos.system('touch {marker}')\n")
    run_train(tmp_path / 'work', fashion_mnist_root, 'evil', '--resume',
              str(evil))
    assert not marker.exists()


@pytest.mark.parametrize('meta, options, message', [
    ({}, ['model.student.backbone.base_channels=4'], 'another architecture'),
    (dict(iter=12), ['train_dataloader.batch_size=16'],
     'inside an epoch.*batch size: 32 in the checkpoint, 16 now'),
    (dict(iter=12), ['train_dataloader.dataset.indices=200'],
     'dataset length: 256 in the checkpoint, 200 now'),
    (dict(run=dict(world_size=2)), [], 'without auto_scale_lr.*world size'),
    # an epoch boundary, another batch size: 16 batches per epoch, not 8
    ({}, ['train_dataloader.batch_size=16'],
     'another number of batches per epoch.*iters per epoch: 8 in the '
     'checkpoint, 16 now'),
])
def test_mismatched_resume_is_refused_before_training(
        straight_run, tmp_path, fashion_mnist_root, meta, options, message):
    source = crafted(straight_run / 'epoch_1.pth', tmp_path / 'e1.pth',
                     **meta)
    with pytest.raises(RuntimeError, match=message):
        run_train(tmp_path / 'work', fashion_mnist_root, 'mismatch',
                  '--resume', str(source), *options_args(options))
    assert not list((tmp_path / 'work').glob('*.pth'))


def options_args(options):
    # run_train puts its own --cfg-options last; ours go before them
    return ['--cfg-options', *options] if options else []


def test_exported_network_is_no_training_checkpoint(straight_run, tmp_path,
                                                    fashion_mnist_root):
    stems = export(str(straight_run / 'epoch_3.pth'), str(tmp_path / 'out'))
    student = f"{stems['student']}.pth"
    with pytest.raises(RuntimeError, match='holds none of the weights'):
        test_tool.main([
            CONFIG, student, '--work-dir',
            str(tmp_path / 'test'), '--cfg-options',
            *data_root_options(fashion_mnist_root)
        ])
    with pytest.raises(RuntimeError, match='holds none of the weights'):
        run_train(tmp_path / 'work', fashion_mnist_root, 'x', '--resume',
                  student)


def test_test_tool_refuses_a_half_loaded_or_non_finite_model(
        straight_run, tmp_path, fashion_mnist_root):
    """tools/test.py must not score a model that the checkpoint only
    partly fits (the student's width doubled) or whose weights are NaN."""
    enable_safe_checkpoints()
    checkpoint = _load_checkpoint(str(straight_run / 'epoch_3.pth'))
    checkpoint['state_dict']['student.head.fc.weight'][0, 0] = float('nan')
    torch.save(checkpoint, tmp_path / 'nan.pth')
    for source, options, message in [
        (straight_run / 'epoch_3.pth',
         ['model.student.backbone.base_channels=4'], 'another architecture'),
        (tmp_path / 'nan.pth', [], r'non-finite.*student\.head\.fc\.weight'),
    ]:
        with pytest.raises(RuntimeError, match=message):
            test_tool.main([
                CONFIG,
                str(source), '--work-dir',
                str(tmp_path / 'test'), '--cfg-options', *options,
                *data_root_options(fashion_mnist_root)
            ])


def test_resume_lists_changed_settings_in_one_warning(
        straight_run, tmp_path, fashion_mnist_root):
    work = tmp_path / 'work'
    run_train(work, fashion_mnist_root, 'changed', '--resume',
              str(straight_run / 'epoch_2.pth'), '--cfg-options',
              'model.alpha=0.5', 'optim_wrapper.student.optimizer.lr=0.1')
    log = next(work.glob('*/*.log')).read_text()
    warnings = [
        block for block in log.split(' - mmengine - ')
        if 'differ from the checkpoint' in block
    ]
    assert len(warnings) == 1
    assert ('optimizer.student.param_groups[0].initial_lr: 0.05 in the '
            'checkpoint, 0.1 now (the checkpoint\'s value takes effect'
            in warnings[0])
    assert ('model.alpha: not set in the checkpoint, 0.5 now (this '
            'config\'s value takes effect)' in warnings[0])
    assert 'teacher' not in warnings[0]


def test_unwritable_checkpoint_folder_stops_before_training(
        tmp_path, fashion_mnist_root):
    blocker = tmp_path / 'a_file'
    blocker.write_text('')
    with pytest.raises(PermissionError, match='Cannot write checkpoints to'):
        run_train(tmp_path / 'work', fashion_mnist_root, 'ro',
                  '--cfg-options',
                  f'default_hooks.checkpoint.out_dir={blocker}/sub')
    log = next((tmp_path / 'work').glob('*/*.log')).read_text()
    assert 'Epoch(train)' not in log


def test_epoch_without_iterations_is_an_error(tmp_path, fashion_mnist_root):
    with pytest.raises(ValueError, match='yields no batch'):
        run_train(tmp_path, fashion_mnist_root, 'empty', '--cfg-options',
                  'train_dataloader.batch_size=300',
                  'train_dataloader.drop_last=True')


ROTATION = str(REPO / 'tests' / 'fixtures' /
               'tiny_switokd_rotation_fashion_mnist.py')


def test_kill_during_a_max_keep_ckpts_1_save_then_resume(
        tmp_path, fashion_mnist_root):
    """kill -9 while iter_6.pth is written (iter_3.pth the only
    checkpoint): iter_3.pth survives, ``--resume`` continues from it and
    cleans the temporary file."""
    work = tmp_path / 'work'
    killed = subprocess.run([
        sys.executable, 'tools/train.py', ROTATION, '--work-dir',
        str(work), '--cfg-options', *data_root_options(fashion_mnist_root)
    ],
                            cwd=REPO,
                            env=dict(
                                os.environ,
                                KILL_IN_SAVE_AT_ITER='6',
                                PYTHONPATH=str(REPO)),
                            capture_output=True,
                            timeout=600)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert (work / 'iter_3.pth').is_file()
    assert list(work.glob('iter_6.pth.partial-*'))
    run_train(work, fashion_mnist_root, 'resumed', '--resume', config=ROTATION)
    assert not list(work.glob('*.partial-*'))
    final = _load_checkpoint(str(work / 'iter_8.pth'))
    assert final['meta']['iter'] == 8
    assert sorted(p.name for p in work.glob('iter_*.pth')) == ['iter_8.pth']
    resumed_logs = sorted(work.glob('*/*.log'))
    assert any('resumed epoch: 0, iter: 3' in p.read_text()
               for p in resumed_logs)
