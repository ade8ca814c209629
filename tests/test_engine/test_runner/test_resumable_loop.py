"""ResumableEpochBasedTrainLoop: a resumed epoch trains exactly the batches
(and random draws) an uninterrupted epoch would have trained next."""
import logging
from types import SimpleNamespace

import pytest
import torch
from torch.utils.data import DataLoader, Dataset

from switokd_mm.engine.hooks import RandomStateHook
from switokd_mm.engine.runner import ResumableEpochBasedTrainLoop


class RandomItems(Dataset):
    """Item i: (i, a draw from torch's generator), like a random crop."""

    def __len__(self):
        return 12

    def __getitem__(self, index):
        return index, torch.rand(())


class FakeRunner:

    def __init__(self, hooks=()):
        self.trained = []
        self.hooks = list(hooks)
        self.train_loop = None
        self.visualizer = SimpleNamespace()
        self.logger = logging.getLogger('test')
        self.model = SimpleNamespace(train=lambda: None, train_step=self.step)
        self.optim_wrapper = None

    def step(self, batch, optim_wrapper):
        """Records the batch, a draw (like dropout) and the state after."""
        self.trained.append(
            (batch[0].tolist(), batch[1].tolist(), torch.rand(
                ()), torch.get_rng_state()))

    @property
    def epoch(self):
        return self.train_loop.epoch

    def call_hook(self, name, **kwargs):
        for hook in self.hooks:
            getattr(hook, name)(self, **kwargs)


def loop(runner, trained_iters=0, own_generator=True):
    """The loop over 3 batches of 4 shuffled items; without its own
    generator the dataloader draws its order and base seed from torch's
    global generator."""
    generator = torch.Generator().manual_seed(0) if own_generator else None
    dataloader = DataLoader(
        RandomItems(), batch_size=4, shuffle=True, generator=generator)
    train_loop = ResumableEpochBasedTrainLoop(runner, dataloader, 2)
    train_loop._iter = trained_iters
    runner.train_loop = train_loop
    return train_loop


def test_resumed_epoch_trains_the_untrained_batches_with_the_same_draws():
    straight = FakeRunner()
    torch.manual_seed(0)
    train_loop = loop(straight)
    train_loop.run_epoch()

    # killed after batch 1: its checkpoint holds the state after that step
    resumed = FakeRunner()
    torch.set_rng_state(straight.trained[1][3])  # as RandomStateHook does
    resumed_loop = loop(resumed, trained_iters=2)
    resumed_loop.run_epoch()
    assert len(resumed.trained) == 1
    indices, draws, step_draw, _ = resumed.trained[0]
    assert indices == straight.trained[2][0]
    assert draws == straight.trained[2][1]
    assert torch.equal(step_draw, straight.trained[2][2])
    assert resumed_loop.epoch == 1


def test_iterator_drawing_from_the_global_generator_resumes_exactly():
    """Creating the epoch's iterator draws from torch's generator: the
    resumed epoch recreates it from the state the epoch started from, and
    the training steps' draws (Mixup, dropout) continue from the state the
    checkpoint saved."""
    straight = FakeRunner([RandomStateHook()])
    torch.manual_seed(0)
    loop(straight, own_generator=False).run_epoch()
    checkpoint = {}
    straight.hooks[0].before_save_checkpoint(straight, checkpoint)

    resumed = FakeRunner([RandomStateHook()])
    resumed.hooks[0].after_load_checkpoint(resumed, checkpoint)
    torch.set_rng_state(straight.trained[1][3])  # as RandomStateHook does
    loop(resumed, trained_iters=2, own_generator=False).run_epoch()
    indices, draws, step_draw, state = resumed.trained[0]
    assert indices == straight.trained[2][0]
    assert draws == straight.trained[2][1]
    assert torch.equal(step_draw, straight.trained[2][2])
    assert torch.equal(state, straight.trained[2][3])


def test_checkpoint_from_another_epoch_length_is_refused():
    train_loop = loop(FakeRunner(), trained_iters=7)
    train_loop._epoch = 1  # epoch 2 would start at iteration 3
    with pytest.raises(RuntimeError, match='an epoch has 3 batches'):
        train_loop.run_epoch()


@pytest.mark.parametrize('iters, epoch, validated', [
    (3, 1, True),  # end of epoch 1: validation may have been interrupted
    (6, 2, True),  # end of the last epoch
    (4, 1, False),  # mid-epoch checkpoint: epoch 1 was validated before
    (0, 0, False),  # a fresh run
])
def test_resume_after_an_epoch_validates_it_first(iters, epoch, validated):
    runner = FakeRunner()
    validations = []
    runner.val_loop = SimpleNamespace(run=lambda: validations.append(1))
    train_loop = loop(runner, trained_iters=iters)
    train_loop._epoch = epoch
    train_loop.run_epoch = lambda: setattr(train_loop, '_epoch',
                                           train_loop._epoch + 1)
    train_loop.run()
    # one validation per epoch the loop trains, plus the resumed one
    assert len(validations) == (2 - epoch) + validated
