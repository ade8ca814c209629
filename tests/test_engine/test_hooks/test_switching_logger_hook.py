"""SwitchingLoggerHook: per-iteration scalars and per-epoch summaries."""
import logging
from types import SimpleNamespace

import pytest
import torch

from switokd_mm.engine.hooks import SwitchingLoggerHook


class RecordingVisualizer:

    def __init__(self):
        self.calls = []

    def add_scalars(self, scalars, step):
        self.calls.append((step, scalars))


def fake_runner(model):
    return SimpleNamespace(
        model=model,
        visualizer=RecordingVisualizer(),
        logger=logging.getLogger('test'),
        iter=0,
        epoch=0)


class SwitchingModel:
    """What the hook asks of a model: its last iteration's scalars, its
    counters, its pairs' names (the only pair: unprefixed keys)."""
    pair_names = [None]

    def __init__(self, iters=0, expert=0, switches=0):
        self.counters = dict(
            num_iters=torch.tensor(iters),
            num_expert_iters=torch.tensor(expert),
            num_switches=torch.tensor(switches))
        self.last = {}

    def switching_counters(self):
        return dict(self.counters)

    def iteration_scalars(self):
        return dict(self.last)


def scalars(expert):
    return {
        'switokd/iter_gap': 0.5,
        'switokd/iter_delta': 0.4,
        'switokd/iter_ds': 1.0,
        'switokd/iter_dt': 0.3,
        'switokd/iter_expert': expert
    }


def test_every_interval_iteration_is_written():
    hook = SwitchingLoggerHook(interval=2)
    model = SwitchingModel()
    runner = fake_runner(model)
    for it in range(4):
        runner.iter = it
        model.last = scalars(float(it % 2))
        hook.after_train_iter(runner, it, outputs={'loss': 1.0})
    steps = [step for step, _ in runner.visualizer.calls]
    assert steps == [2, 4]
    assert runner.visualizer.calls[0][1] == scalars(1.0)


def test_epoch_summary_is_the_difference_of_the_counters():
    hook = SwitchingLoggerHook()
    runner = fake_runner(SwitchingModel(10, 4, 3))  # a resumed run's state
    hook.before_train_epoch(runner)
    runner.model = SwitchingModel(18, 10, 5)  # 8 iterations later
    runner.epoch = 1
    hook.after_train_epoch(runner)
    assert runner.visualizer.calls == [(2, {
        'switokd/expert_fraction': 6 / 8,
        'switokd/num_switches': 2
    })]


def test_requires_a_switching_model():
    with pytest.raises(TypeError, match='switching_counters'):
        SwitchingLoggerHook().before_train_epoch(
            fake_runner(torch.nn.Linear(1, 1)))


def test_bad_interval():
    with pytest.raises(ValueError, match='interval'):
        SwitchingLoggerHook(interval=0)


@pytest.mark.parametrize('expert, warned', [(0, True), (2, False)])
def test_an_epoch_without_a_pause_is_said_with_the_margin_median(
        caplog, expert, warned):
    hook = SwitchingLoggerHook(interval=100)
    model = SwitchingModel()
    runner = fake_runner(model)
    hook.before_train_epoch(runner)
    for it, margin in enumerate((0.2, 0.5, 0.3)):
        runner.iter = it
        model.last = dict(scalars(0.0), **{'switokd/iter_margin': margin})
        hook.after_train_iter(runner, it, outputs={})
    model.counters = SwitchingModel(3, expert, 0).counters
    with caplog.at_level(logging.INFO, logger='test'):
        hook.after_train_epoch(runner)
    said = [
        r.getMessage() for r in caplog.records if 'as DML' in r.getMessage()
    ]
    assert bool(said) == warned
    if warned:
        assert 'gate margin median 0.30, it fires above 1.0' in said[0]
