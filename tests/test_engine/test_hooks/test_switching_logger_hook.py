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


def counters(iters, expert, switches):
    model = torch.nn.Module()
    for name, value in (('num_iters', iters), ('num_expert_iters', expert),
                        ('num_switches', switches)):
        model.register_buffer(name, torch.tensor(value))
    model.pair_names = [None]  # the only pair: unprefixed keys
    return model


def outputs(expert):
    return {
        'switokd/gap': 0.5,
        'switokd/delta': 0.4,
        'switokd/ds': 1.0,
        'switokd/dt': 0.3,
        'switokd/expert': expert,
        'loss': 1.0
    }


def test_every_interval_iteration_is_written():
    hook = SwitchingLoggerHook(interval=2)
    runner = fake_runner(counters(0, 0, 0))
    for it in range(4):
        runner.iter = it
        hook.after_train_iter(runner, it, outputs=outputs(float(it % 2)))
    steps = [step for step, _ in runner.visualizer.calls]
    assert steps == [2, 4]
    assert runner.visualizer.calls[0][1] == {
        'switokd/iter_gap': 0.5,
        'switokd/iter_delta': 0.4,
        'switokd/iter_ds': 1.0,
        'switokd/iter_dt': 0.3,
        'switokd/iter_expert': 1.0
    }


def test_epoch_summary_is_the_difference_of_the_counters():
    hook = SwitchingLoggerHook()
    runner = fake_runner(counters(10, 4, 3))  # state of a resumed run
    hook.before_train_epoch(runner)
    runner.model = counters(18, 10, 5)  # 8 iterations later
    runner.epoch = 1
    hook.after_train_epoch(runner)
    assert runner.visualizer.calls == [(2, {
        'switokd/expert_fraction': 6 / 8,
        'switokd/num_switches': 2
    })]


def test_requires_a_switching_model():
    with pytest.raises(TypeError, match='num_expert_iters'):
        SwitchingLoggerHook().before_train_epoch(
            fake_runner(torch.nn.Linear(1, 1)))


def test_bad_interval():
    with pytest.raises(ValueError, match='interval'):
        SwitchingLoggerHook(interval=0)
