"""SafeCheckpointHook: an interrupted save never costs the checkpoint (or
the best checkpoint) it was to replace."""
import logging
from pathlib import Path

import pytest
from mmengine.logging import MessageHub

from switokd_mm.engine.hooks import SafeCheckpointHook


class FakeRunner:
    """What CheckpointHook uses of a runner; ``save_checkpoint`` writes the
    file, or dies half-way while ``killed`` is set."""

    def __init__(self, work_dir):
        self.work_dir = str(work_dir)
        self.logger = logging.getLogger('test')
        self.message_hub = MessageHub.get_instance(f'hook-{work_dir}')
        self.epoch, self.iter, self.killed = 0, 0, False

    def save_checkpoint(self, out_dir, filename, *args, **kwargs):
        if self.killed:
            raise KeyboardInterrupt('killed during the save')
        (self.out / filename).write_bytes(b'complete')

    @property
    def out(self):
        return Path(self.work_dir)


@pytest.fixture
def hook_and_runner(tmp_path):
    (tmp_path / 'epoch_9.pth.partial-999999999').write_bytes(b'stale')
    runner = FakeRunner(tmp_path)
    hook = SafeCheckpointHook(
        interval=1, max_keep_ckpts=1, save_best='acc', rule='greater')
    hook.before_train(runner)
    return hook, runner


def names(runner):
    return sorted(p.name for p in runner.out.glob('*.pth*'))


def test_stale_temporary_files_are_removed(hook_and_runner):
    _, runner = hook_and_runner
    assert names(runner) == []


def test_old_checkpoints_outlive_an_interrupted_save(hook_and_runner):
    hook, runner = hook_and_runner
    hook._save_checkpoint(runner)  # epoch_1.pth
    runner.epoch = 1
    hook._save_best_checkpoint(runner, {'acc': 0.5})  # best_acc_epoch_1
    assert names(runner) == ['best_acc_epoch_1.pth', 'epoch_1.pth']

    runner.killed = True
    with pytest.raises(KeyboardInterrupt):
        hook._save_checkpoint(runner)  # epoch_2.pth
    runner.epoch = 2
    with pytest.raises(KeyboardInterrupt):
        hook._save_best_checkpoint(runner, {'acc': 0.9})
    assert names(runner) == ['best_acc_epoch_1.pth', 'epoch_1.pth']

    runner.killed = False  # complete saves rotate as mmengine's do
    hook._save_checkpoint(runner)  # epoch_3.pth
    runner.epoch = 3
    hook._save_best_checkpoint(runner, {'acc': 0.95})
    assert names(runner) == ['best_acc_epoch_3.pth', 'epoch_3.pth']
