"""RandomStateHook: checkpoints carry the generators; validation does not
move them."""
import logging
from types import SimpleNamespace

import torch

from switokd_mm.engine.hooks import RandomStateHook


def fake_runner(iteration):
    return SimpleNamespace(iter=iteration, logger=logging.getLogger('test'))


def test_resumed_run_continues_the_saved_generators():
    hook = RandomStateHook()
    torch.manual_seed(0)
    checkpoint = {}
    hook.before_save_checkpoint(fake_runner(12), checkpoint)
    expected = torch.rand(3)

    resumed = RandomStateHook()
    torch.manual_seed(0)  # a new process starts from the seed
    torch.rand(5)
    resumed.after_load_checkpoint(fake_runner(12), checkpoint)
    resumed.before_train(fake_runner(12))
    assert torch.equal(torch.rand(3), expected)


def test_loading_weights_to_start_afresh_keeps_the_seed():
    checkpoint = {}
    RandomStateHook().before_save_checkpoint(fake_runner(12), checkpoint)
    torch.manual_seed(1)
    expected = torch.rand(3)
    torch.manual_seed(1)
    hook = RandomStateHook()
    hook.after_load_checkpoint(fake_runner(0), checkpoint)
    hook.before_train(fake_runner(0))  # load_from: iteration 0
    assert torch.equal(torch.rand(3), expected)


def test_other_world_size_warns_and_keeps_the_seed(caplog):
    checkpoint = {}
    RandomStateHook().before_save_checkpoint(fake_runner(12), checkpoint)
    checkpoint['random_state'] *= 2  # saved by 2 ranks
    torch.manual_seed(1)
    expected = torch.rand(3)
    torch.manual_seed(1)
    hook = RandomStateHook()
    hook.after_load_checkpoint(fake_runner(12), checkpoint)
    with caplog.at_level(logging.WARNING):
        hook.before_train(fake_runner(12))
    assert 'random state of 2 ranks' in caplog.text
    assert torch.equal(torch.rand(3), expected)


def test_validation_does_not_move_training_generators():
    hook = RandomStateHook()
    runner = fake_runner(8)
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    hook.before_val(runner)
    torch.rand(100)  # the validation dataloader draws a worker seed, ...
    checkpoint = {}
    hook.before_save_checkpoint(runner, checkpoint)  # best checkpoint
    hook.after_val(runner)
    assert torch.equal(torch.rand(3), expected)
    # the best checkpoint holds the state training continues from
    resumed = RandomStateHook()
    resumed.after_load_checkpoint(runner, checkpoint)
    resumed.before_train(runner)
    assert torch.equal(torch.rand(3), expected)
