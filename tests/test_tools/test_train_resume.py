"""End to end through tools/train.py and tools/test.py on real data:
train, validate, checkpoint, resume, test."""
import json
import math
import os
import signal
import statistics
import subprocess
import sys

import pytest
import torch
from mmengine.runner.checkpoint import _load_checkpoint

from switokd_mm.utils import load_records
from switokd_mm.utils import summarize_records as summarize
from tests.conftest import CONFIG, REPO, data_root_options, run_train
from tools import test as test_tool
from tools import train as train_tool

CONTRACT_KEYS = ('switokd/gap', 'switokd/delta', 'switokd/ds', 'switokd/dt',
                 'switokd/expert')


def mode_sequence(work_dir):
    return [(line['step'], line['switokd/iter_expert'])
            for line in load_records(work_dir)
            if 'switokd/iter_expert' in line]


def test_run_logs_contract_keys_and_accuracies(straight_run):
    lines = load_records(straight_run)
    logged = set().union(*lines)
    assert set(CONTRACT_KEYS) <= logged
    assert {
        'student/accuracy/top1', 'teacher/accuracy/top1',
        'switokd/expert_fraction', 'switokd/num_switches'
    } <= logged
    modes = [expert for _, expert in mode_sequence(straight_run)]
    assert len(modes) == 24  # 3 epochs x 8 iterations, one entry each
    assert 0 < sum(modes) < len(modes), 'fixture should hold both modes'
    fractions = [
        line['switokd/expert_fraction'] for line in lines
        if 'switokd/expert_fraction' in line
    ]
    per_epoch = [sum(modes[i:i + 8]) / 8 for i in range(0, 24, 8)]
    assert fractions == pytest.approx(per_epoch)


def test_checkpoint_holds_networks_optimizers_and_switching_state(
        straight_run):
    ckpt = _load_checkpoint(str(straight_run / 'epoch_3.pth'))
    keys = ckpt['state_dict'].keys()
    assert any(k.startswith('student.backbone.') for k in keys)
    assert any(k.startswith('teacher.backbone.') for k in keys)
    modes = [expert for _, expert in mode_sequence(straight_run)]
    assert ckpt['state_dict']['num_iters'].item() == 24
    assert ckpt['state_dict']['num_expert_iters'].item() == sum(modes)
    switches = sum(a != b for a, b in zip(modes, modes[1:]))
    assert ckpt['state_dict']['num_switches'].item() == switches
    assert set(ckpt['optimizer']) == {'student', 'teacher'}
    assert ckpt['optimizer']['teacher']['state']  # momentum buffers
    assert set(ckpt['param_schedulers']) == {'student', 'teacher'}


def test_resume_continues_exactly(straight_run, tmp_path, fashion_mnist_root):
    """Stop after epoch 1 (its checkpoint), resume in a fresh folder: epochs
    2-3 take the same modes and end with the same weights and optimizers."""
    run_train(tmp_path, fashion_mnist_root, 'resumed', '--resume',
              str(straight_run / 'epoch_1.pth'))

    straight_modes = mode_sequence(straight_run)
    assert mode_sequence(tmp_path) == straight_modes[8:]
    assert len(set(m for _, m in straight_modes[8:])) == 2, \
        'the resumed epochs should switch modes'
    straight = _load_checkpoint(str(straight_run / 'epoch_3.pth'))
    resumed = _load_checkpoint(str(tmp_path / 'epoch_3.pth'))
    for key, value in straight['state_dict'].items():
        assert torch.allclose(
            value.float(), resumed['state_dict'][key].float(), atol=1e-6), key
    for net in ('student', 'teacher'):
        for index, state in straight['optimizer'][net]['state'].items():
            resumed_state = resumed['optimizer'][net]['state'][index]
            assert torch.allclose(
                state['momentum_buffer'],
                resumed_state['momentum_buffer'],
                atol=1e-6)
    assert resumed['meta']['epoch'] == 3


def test_test_tool_reports_both_networks(straight_run, fashion_mnist_root,
                                         tmp_path, capsys):
    out = tmp_path / 'metrics.json'
    metrics = test_tool.main([
        CONFIG,
        str(straight_run / 'epoch_3.pth'), '--work-dir',
        str(tmp_path), '--out',
        str(out), '--cfg-options', 'experiment_name=test_tool',
        f'test_dataloader.dataset.data_root={fashion_mnist_root}'
    ])
    last_val = [
        line for line in load_records(straight_run)
        if 'student/accuracy/top1' in line
    ][-1]
    # same weights, same 128 test images: the test equals the last validation
    assert metrics['student/accuracy/top1'] == pytest.approx(
        last_val['student/accuracy/top1'])
    assert metrics['teacher/accuracy/top1'] == pytest.approx(
        last_val['teacher/accuracy/top1'])
    assert json.loads(out.read_text()) == pytest.approx(metrics)
    printed = capsys.readouterr().out
    student_m = sum(p.numel() for p in _student_params(straight_run)) / 1e6
    assert (f"Student\tCifarResNet({student_m:.2f}M)\t"
            f"{metrics['student/accuracy/top1']:.2f}") in printed
    assert "Teacher\tWideResNet(" in printed


def _student_params(work_dir):
    state = _load_checkpoint(str(work_dir / 'epoch_3.pth'))['state_dict']
    return [
        v for k, v in state.items() if k.startswith('student.')
        and 'running_' not in k and 'num_batches' not in k
    ]


def test_missing_dataset_fails_before_training(tmp_path):
    with pytest.raises(FileNotFoundError, match='dataset-fashion-mnist'):
        run_train(tmp_path, tmp_path / 'no_data', 'missing')
    assert not list(tmp_path.glob('*.pth'))


def test_summary_matches_the_checkpoint(straight_run):
    summary = summarize(load_records(straight_run))
    state = _load_checkpoint(str(straight_run / 'epoch_3.pth'))['state_dict']
    assert summary['iterations'] == state['num_iters'].item()
    assert summary['expert_iterations'] == state['num_expert_iters'].item()
    assert summary['switches'] == state['num_switches'].item()
    assert 0 <= summary['student/accuracy/top1'] <= 100


def test_amp_picks_a_wrapper_per_device(monkeypatch):
    from mmengine.config import Config
    for cuda, expected in ((True, 'AmpOptimWrapper'),
                           (False, 'AutocastOptimWrapper')):
        monkeypatch.setattr(torch.cuda, 'is_available', lambda: cuda)
        cfg = Config.fromfile(CONFIG)
        train_tool.enable_amp(cfg)
        assert cfg.optim_wrapper.student.type == expected
        assert cfg.optim_wrapper.teacher.type == expected


def test_bf16_amp_on_cpu_trains_with_finite_statistics(tmp_path,
                                                       fashion_mnist_root):
    run_train(tmp_path, fashion_mnist_root, 'amp', '--amp', '--cfg-options',
              'train_cfg.max_epochs=1')
    lines = [
        line for line in load_records(tmp_path) if 'switokd/iter_gap' in line
    ]
    assert len(lines) == 8
    for line in lines:
        for key in ('gap', 'delta', 'ds', 'dt'):
            assert math.isfinite(line[f'switokd/iter_{key}'])
    log = next(tmp_path.glob('*/*.log')).read_text()
    assert 'AutocastOptimWrapper' in log


AUGMENTED = str(REPO / 'tests' / 'fixtures' /
                'tiny_switokd_augmented_fashion_mnist.py')
#: Mixup, dropout and two data workers on top of AUGMENTED
MIXUP = str(REPO / 'tests' / 'fixtures' /
            'tiny_switokd_mixup_fashion_mnist.py')


@pytest.mark.parametrize('config', [AUGMENTED, MIXUP])
def test_kill_mid_epoch_then_resume_auto_equals_an_uninterrupted_run(
        tmp_path, fashion_mnist_root, config):
    """kill -9 at iteration 14 (epoch 2, batch 6 of 8; last checkpoint at
    iteration 12), then ``--resume``: the finished run equals one that was
    never interrupted, with random augmentation on (and with Mixup, dropout
    and data workers)."""
    straight_dir, killed_dir = tmp_path / 'straight', tmp_path / 'killed'
    run_train(straight_dir, fashion_mnist_root, 'straight', config=config)

    killed = subprocess.run([
        sys.executable, 'tools/train.py', config, '--work-dir',
        str(killed_dir), '--cfg-options', 'experiment_name=killed',
        *data_root_options(fashion_mnist_root)
    ],
                            cwd=REPO,
                            env=dict(
                                os.environ,
                                KILL_AT_ITER='14',
                                PYTHONPATH=str(REPO)),
                            capture_output=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert (killed_dir / 'last_checkpoint').read_text().endswith('iter_12.pth')
    run_train(
        killed_dir,
        fashion_mnist_root,
        'resumed',
        '--resume',
        config=config)

    straight = _load_checkpoint(str(straight_dir / 'iter_24.pth'))
    resumed = _load_checkpoint(str(killed_dir / 'iter_24.pth'))
    assert straight['meta']['epoch'] == resumed['meta']['epoch'] == 3
    assert straight['meta']['iter'] == resumed['meta']['iter'] == 24
    assert straight['state_dict'].keys() == resumed['state_dict'].keys()
    for key, value in straight['state_dict'].items():
        assert torch.equal(value, resumed['state_dict'][key]), key
    for net in ('student', 'teacher'):
        for index, state in straight['optimizer'][net]['state'].items():
            assert torch.equal(
                state['momentum_buffer'],
                resumed['optimizer'][net]['state'][index]['momentum_buffer'])
        assert (straight['param_schedulers'][net] ==
                resumed['param_schedulers'][net])
    # the log of the whole run (both processes) counts each iteration once
    assert mode_sequence(killed_dir) == mode_sequence(straight_dir)
    assert summarize(load_records(killed_dir)) == pytest.approx(
        summarize(load_records(straight_dir)))
    assert epoch_fractions(killed_dir) == epoch_fractions(straight_dir)


def epoch_fractions(work_dir):
    """Per-epoch expert share as logged (the last record of an epoch wins)."""
    return {
        line['step']: line['switokd/expert_fraction']
        for line in load_records(work_dir) if 'switokd/expert_fraction' in line
    }


def test_resume_auto_skips_a_truncated_last_checkpoint(tmp_path):
    from mmengine.config import Config
    (tmp_path / 'iter_3.pth').write_bytes(b'complete, written atomically')
    (tmp_path / 'last_checkpoint').write_text('')  # killed mid-write
    args = train_tool.parse_args([CONFIG, '--resume'])
    cfg = Config.fromfile(CONFIG)
    cfg.work_dir = str(tmp_path)
    cfg = train_tool.merge_args(cfg, args)
    assert cfg.resume and cfg.load_from == str(tmp_path / 'iter_3.pth')

    cfg.work_dir = str(tmp_path / 'fresh')
    cfg = train_tool.merge_args(cfg, args)
    assert not cfg.resume and cfg.load_from is None  # nothing to resume


def test_resume_with_nothing_to_resume_warns_in_log_and_terminal(
        tmp_path, fashion_mnist_root, capsys):
    run_train(tmp_path, fashion_mnist_root, 'nothing', '--resume',
              '--cfg-options', 'train_cfg.max_epochs=1')
    message = 'holds no training checkpoint'
    assert message in next(tmp_path.glob('*/*.log')).read_text()
    captured = capsys.readouterr()
    assert message in captured.out + captured.err


USER_HOOKS = str(REPO / 'tests' / 'fixtures' /
                 'tiny_switokd_user_hooks_fashion_mnist.py')


def test_users_own_custom_hooks_keep_the_switching_log_and_exact_resume(
        tmp_path, fashion_mnist_root):
    """custom_hooks = [EMAHook] replaces the config's list: SafeRunner
    still logs the switching and saves the random state."""
    from tools.analysis.plot_switching import make_figures
    straight, resumed = tmp_path / 'straight', tmp_path / 'resumed'
    run_train(straight, fashion_mnist_root, 'straight', config=USER_HOOKS)
    records = load_records(straight)
    assert sorted(epoch_fractions(straight)) == [1, 2, 3]
    assert summarize(records)['expert_iterations'] > 0
    assert {'switching', 'expert_fraction', 'accuracy'} <= set(
        make_figures(records))

    resumed.mkdir()
    (resumed / 'iter_12.pth').write_bytes(
        (straight / 'iter_12.pth').read_bytes())
    run_train(
        resumed, fashion_mnist_root, 'resumed', '--resume', config=USER_HOOKS)
    expected = _load_checkpoint(str(straight / 'iter_24.pth'))
    actual = _load_checkpoint(str(resumed / 'iter_24.pth'))
    for key, value in expected['state_dict'].items():
        assert torch.equal(value, actual['state_dict'][key]), key
    for key, value in expected['ema_state_dict'].items():
        assert torch.equal(value, actual['ema_state_dict'][key]), key


def test_a_plain_mmengine_runner_is_refused_before_loading(
        tmp_path, fashion_mnist_root):
    """Runner.from_cfg ignores runner_type='SafeRunner'."""
    from mmengine.config import Config
    from mmengine.runner import Runner
    cfg = Config.fromfile(CONFIG)
    cfg.merge_from_dict(
        dict(
            option.split('=')
            for option in data_root_options(fashion_mnist_root)))
    cfg.work_dir = str(tmp_path)
    cfg.load_from = str(tmp_path / 'never_read.pth')
    runner = Runner.from_cfg(cfg)
    with pytest.raises(RuntimeError, match=r'RUNNERS\.build\(cfg\)'):
        runner.test()


def test_logged_switching_values_are_window_means(straight_run):
    """The log lines' switokd/* values are means over the log processor's
    window (10 iterations), as the demo's progress lines say; the exact
    values are the switokd/iter_* scalars."""
    records = load_records(straight_run)
    exact = {
        line['step']: line
        for line in records if 'switokd/iter_expert' in line
    }
    logged = [line for line in records if 'switokd/expert' in line]
    assert logged
    for line in logged:
        window = range(max(1, line['step'] - 9), line['step'] + 1)
        for name in ('expert', 'gap', 'delta'):
            assert line[f'switokd/{name}'] == pytest.approx(
                sum(exact[step][f'switokd/iter_{name}']
                    for step in window) / len(window)), (line['step'], name)


def test_a_run_whose_gate_never_fires_says_so_each_epoch(
        tmp_path, fashion_mnist_root):
    """delta = 2 (G <= 2 always): the margin is logged and each epoch's
    log says the networks trained as DML."""
    run_train(tmp_path, fashion_mnist_root, 'never', '--cfg-options',
              'model.threshold.delta=2.0', 'train_cfg.max_epochs=2')
    log = next(tmp_path.glob('*/*.log')).read_text()
    assert log.count('trained as DML this epoch; gate margin median') == 2
    margins = [
        line['switokd/iter_margin'] for line in load_records(tmp_path)
        if 'switokd/iter_margin' in line
    ]
    assert len(margins) == 16 and max(margins) < 1
    from tools.analysis.summarize_run import format_summary
    summary = summarize(load_records(tmp_path))
    assert summary['epochs_without_pause'] == summary['epochs'] == 2
    assert f"gate margin median {statistics.median(margins):.2f} (the gate " \
        'fires above 1.0); epochs without a pause: 2 of 2' in format_summary(
            str(tmp_path), summary)


def test_a_run_that_switches_says_no_dml_epoch(straight_run):
    log = next(straight_run.glob('*/*.log')).read_text()
    fractions = epoch_fractions(straight_run)
    assert log.count('trained as DML this epoch') == sum(
        1 for share in fractions.values() if share == 0)
    assert any(share > 0 for share in fractions.values())
