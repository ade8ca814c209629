"""SpotShareLoggerHook: per-iteration and per-epoch shares of samples
distilled at each spot, whole epochs across a resume, and SafeRunner
registering it for a spot-adaptive model."""
import logging
from types import SimpleNamespace

import pytest
import torch
import torch.nn as nn
from mmengine.model import BaseModel
from mmengine.registry import MODEL_WRAPPERS

from switokd_mm.checkpoint import load_local_checkpoint
from switokd_mm.engine.hooks import SpotShareLoggerHook
from switokd_mm.engine.hooks.spot_share_logger_hook import logs_spot_shares

#: the last iteration's shares of each iteration of a 4-iteration epoch
SHARES = [
    dict(f1=1.0, f2=0.5, logits=0.25),
    dict(f1=0.5, f2=0.5, logits=0.75),
    dict(f1=0.0, f2=0.25, logits=1.0),
    dict(f1=0.5, f2=0.75, logits=0.5),
]
#: their means, by hand
EPOCH_MEANS = dict(f1=2.0 / 4, f2=2.0 / 4, logits=2.5 / 4)


class RecordingVisualizer:

    def __init__(self):
        self.calls = []

    def add_scalars(self, scalars, step):
        self.calls.append((step, scalars))


class SpotModel:
    """What the hook asks of a model: its spots' names and the last
    iteration's shares (the feature spots, then the logits)."""
    spot_names = ['f1', 'f2', 'logits']

    def __init__(self):
        self.last_shares = {}


def fake_runner(model, epoch=0):
    return SimpleNamespace(
        model=model,
        visualizer=RecordingVisualizer(),
        logger=logging.getLogger('test_spot_shares'),
        iter=0,
        epoch=epoch)


def train_iters(hook, runner, iters, epoch_length=len(SHARES)):
    for it in iters:
        runner.iter = it
        runner.model.last_shares = dict(SHARES[it % epoch_length])
        hook.after_train_iter(runner, it % epoch_length, outputs={})
        runner.iter = it + 1  # as mmengine's loop counts it afterwards


def iter_scalars(shares):
    return {f'sakd/iter_share_{spot}': v for spot, v in shares.items()}


def epoch_scalars(means, end):
    """The epoch's scalars: the means and its last iteration (1-based)."""
    scalars = {f'sakd/epoch_share_{spot}': v for spot, v in means.items()}
    scalars['sakd/epoch_end_iter'] = end
    return scalars


def test_every_interval_iteration_is_written_at_iter_plus_one():
    hook = SpotShareLoggerHook(interval=2)
    runner = fake_runner(SpotModel())
    train_iters(hook, runner, range(4))
    assert runner.visualizer.calls == [(2, iter_scalars(SHARES[1])),
                                       (4, iter_scalars(SHARES[3]))]


def test_interval_one_writes_each_iteration():
    hook = SpotShareLoggerHook()
    runner = fake_runner(SpotModel())
    train_iters(hook, runner, range(4))
    assert runner.visualizer.calls == [(it + 1, iter_scalars(SHARES[it]))
                                       for it in range(4)]


def test_epoch_share_is_the_mean_over_the_epoch(caplog):
    hook = SpotShareLoggerHook(interval=100)
    runner = fake_runner(SpotModel(), epoch=2)
    train_iters(hook, runner, range(8, 12))
    assert runner.visualizer.calls == []  # no iteration at the interval
    with caplog.at_level(logging.INFO, logger='test_spot_shares'):
        hook.after_train_epoch(runner)
    ((step, scalars), ) = runner.visualizer.calls
    assert step == 3
    assert scalars == pytest.approx(
        epoch_scalars(EPOCH_MEANS, 12), rel=1e-15)
    lines = [
        r.getMessage() for r in caplog.records if 'SAKD' in r.getMessage()
    ]
    assert lines == [
        'SAKD epoch 3: share of samples distilled per spot over 4 '
        'iterations: f1 50.0%, f2 50.0%, logits 62.5%'
    ]


def test_each_epoch_starts_its_own_mean():
    hook = SpotShareLoggerHook(interval=100)
    runner = fake_runner(SpotModel())
    train_iters(hook, runner, range(4))
    hook.after_train_epoch(runner)
    runner.epoch = 1
    runner.model.last_shares = dict(f1=0.0, f2=1.0, logits=0.5)
    runner.iter = 4
    hook.after_train_iter(runner, 0, outputs={})
    runner.iter = 5
    hook.after_train_epoch(runner)
    assert [step for step, _ in runner.visualizer.calls] == [1, 2]
    assert runner.visualizer.calls[1][1] == epoch_scalars(
        dict(f1=0.0, f2=1.0, logits=0.5), 5)


def test_an_epoch_without_iterations_writes_nothing():
    hook = SpotShareLoggerHook()
    runner = fake_runner(SpotModel())
    hook.after_train_epoch(runner)
    assert runner.visualizer.calls == []


@pytest.mark.parametrize('stop', [1, 2, 3])
def test_a_resume_mid_epoch_reports_the_whole_epoch(tmp_path, stop):
    """The sums so far ride in the checkpoint (saved and loaded as
    SafeRunner does, weights-only): a new hook that loads it reports the
    mean of an uninterrupted epoch."""
    straight = SpotShareLoggerHook(interval=100)
    runner = fake_runner(SpotModel())
    train_iters(straight, runner, range(4))
    straight.after_train_epoch(runner)
    expected = runner.visualizer.calls

    interrupted = SpotShareLoggerHook(interval=100)
    train_iters(interrupted, fake_runner(SpotModel()), range(stop))
    checkpoint = dict(meta={})
    interrupted.before_save_checkpoint(runner, checkpoint)
    torch.save(checkpoint, tmp_path / 'iter.pth')

    resumed = SpotShareLoggerHook(interval=100)
    runner = fake_runner(SpotModel())
    resumed.after_load_checkpoint(
        runner, load_local_checkpoint(str(tmp_path / 'iter.pth')))
    train_iters(resumed, runner, range(stop, 4))
    resumed.after_train_epoch(runner)
    assert runner.visualizer.calls == expected
    assert expected[0][1] == pytest.approx(
        epoch_scalars(EPOCH_MEANS, 4), rel=1e-15)


def test_a_checkpoint_without_its_entry_leaves_the_state():
    hook = SpotShareLoggerHook(interval=100)
    runner = fake_runner(SpotModel())
    train_iters(hook, runner, range(2))
    hook.after_load_checkpoint(runner, dict(meta={}))
    train_iters(hook, runner, range(2, 4))
    hook.after_train_epoch(runner)
    assert runner.visualizer.calls[0][1] == pytest.approx(
        epoch_scalars(EPOCH_MEANS, 4), rel=1e-15)


def test_a_wrapped_model_is_read_through_its_module(monkeypatch):

    class Wrapper(nn.Module):

        def __init__(self, module):
            super().__init__()
            self.module = module

    # a model wrapper for this test only (is_model_wrapper reads the
    # registry)
    monkeypatch.setitem(MODEL_WRAPPERS._module_dict, 'SpotShareTestWrapper',
                        Wrapper)
    model = SpotBaseModel()
    model.last_shares = dict(f1=0.25, logits=1.0)
    hook = SpotShareLoggerHook()
    runner = fake_runner(Wrapper(model))
    hook.after_train_iter(runner, 0, outputs={})
    assert runner.visualizer.calls == [(1, {
        'sakd/iter_share_f1': 0.25,
        'sakd/iter_share_logits': 1.0
    })]


def test_bad_interval():
    with pytest.raises(ValueError, match='interval'):
        SpotShareLoggerHook(interval=0)


def test_requires_a_spot_adaptive_model():
    with pytest.raises(TypeError, match='spot_names'):
        SpotShareLoggerHook().after_train_iter(
            fake_runner(nn.Linear(1, 1)), 0, outputs={})
    assert logs_spot_shares(SpotModel())
    assert not logs_spot_shares(nn.Linear(1, 1))


class SpotBaseModel(BaseModel):
    """A model SafeRunner can hold, with or without the spot attributes."""

    def __init__(self, spots=True):
        super().__init__()
        self.fc = nn.Linear(1, 1)
        if spots:
            self.spot_names = ['f1', 'logits']
            self.last_shares = {}

    def forward(self, inputs, data_samples=None, mode='tensor'):
        return self.fc(inputs)


def hook_types(tmp_path, model, custom_hooks):
    from switokd_mm.engine.runner import SafeRunner
    runner = SafeRunner(
        model=model,
        work_dir=str(tmp_path),
        custom_hooks=custom_hooks,
        default_scope='mmpretrain',
        experiment_name=f'spot_share_{tmp_path.name}')
    return [type(hook).__name__ for hook in runner.hooks], runner


@pytest.mark.parametrize(
    'custom_hooks', [[dict(type='EMAHook')], [], None],
    ids=['users_own', 'empty', 'none'])
def test_safe_runner_registers_the_hook_for_a_spot_adaptive_model(
        tmp_path, custom_hooks):
    names, _ = hook_types(tmp_path, SpotBaseModel(), custom_hooks)
    assert names.count('SpotShareLoggerHook') == 1
    assert 'RandomStateHook' in names
    if custom_hooks:
        assert 'EMAHook' in names


def test_safe_runner_keeps_a_configured_hook(tmp_path):
    names, runner = hook_types(tmp_path, SpotBaseModel(),
                               [dict(type='SpotShareLoggerHook', interval=7)])
    (hook, ) = [h for h in runner.hooks if isinstance(h, SpotShareLoggerHook)]
    assert hook.interval == 7


def test_safe_runner_adds_no_hook_to_other_models(tmp_path):
    names, _ = hook_types(tmp_path, SpotBaseModel(spots=False),
                          [dict(type='EMAHook')])
    assert 'SpotShareLoggerHook' not in names
