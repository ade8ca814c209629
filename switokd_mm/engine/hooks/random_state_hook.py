"""Checkpoints carry the random number generators, so a resumed run draws
the same augmentations and dropout masks as an uninterrupted one."""
from typing import List, Optional

from mmengine.dist import all_gather_object, get_rank, get_world_size
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS

from switokd_mm.engine.random_state import get_random_state, set_random_state

#: the checkpoint entry: one state per rank
CHECKPOINT_KEY = 'random_state'
#: the checkpoint entry of the state each rank's epoch started from
EPOCH_START_KEY = 'epoch_start_random_state'


@HOOKS.register_module()
class RandomStateHook(Hook):
    """Save every rank's random number generators in each checkpoint and
    continue from them when a run resumes.

    Validation during training runs between a snapshot and its restore, so
    it never moves the training's generators: training draws the same
    numbers whether or not (and how often) it validates, and a checkpoint
    written at the end of an epoch (before that epoch's validation) holds
    the state the next epoch starts from.

    Together with :class:`ResumableEpochBasedTrainLoop` a run resumed from
    any checkpoint, mid-epoch included, repeats the uninterrupted run
    exactly when its data loading is deterministic (a seed, and no
    ``persistent_workers`` with ``num_workers > 0``: persistent workers keep
    their own generators across epochs, which no checkpoint can hold).

    mmengine saves checkpoints on rank 0 only, so with several ranks the
    states of all ranks are gathered after every training iteration (one
    small collective, ahead of ``CheckpointHook``); a single process takes
    its state when a checkpoint is saved.

    Checkpoints also hold the state every rank had when its current epoch
    started (gathered once per epoch): creating the epoch's dataloader
    iterator draws from torch's generator (its base seed), and a run
    resumed inside the epoch recreates that iterator from the same state
    (:meth:`epoch_start_state`, used by
    :class:`~switokd_mm.engine.runner.ResumableEpochBasedTrainLoop`).
    """
    # after_train_iter before CheckpointHook (VERY_LOW) saves
    priority = 'LOW'

    def __init__(self) -> None:
        self._resumed: Optional[List[dict]] = None
        self._before_val: Optional[dict] = None
        self._gathered: Optional[List[dict]] = None
        # {'epoch': e, 'states': one per rank} of the epoch in progress
        self._epoch_start: Optional[dict] = None

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        if get_world_size() > 1:
            self._gathered = all_gather_object(get_random_state())

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        # A best checkpoint written after validation stores the
        # pre-validation state, the one training continues from.
        if get_world_size() > 1:
            states = self._gathered
        else:
            states = [self._before_val or get_random_state()]
        if states is not None:
            checkpoint[CHECKPOINT_KEY] = states
        if self._epoch_start is not None:
            checkpoint[EPOCH_START_KEY] = self._epoch_start

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        self._resumed = checkpoint.get(CHECKPOINT_KEY)
        self._epoch_start = checkpoint.get(EPOCH_START_KEY)

    def before_train_epoch(self, runner) -> None:
        # A run resumed inside an epoch keeps the state that epoch started
        # from; every other epoch records its own.
        if (self._epoch_start is not None
                and self._epoch_start['epoch'] == runner.epoch):
            return
        state = get_random_state()
        states = all_gather_object(state) if get_world_size() > 1 else [
            state
        ]
        self._epoch_start = dict(epoch=runner.epoch, states=states)

    def epoch_start_state(self, epoch: int) -> Optional[dict]:
        """This rank's random state at the start of ``epoch`` (None when it
        is not known, e.g. a checkpoint written without it).

        Args:
            epoch: the epoch (0-based, as ``runner.epoch``).
        """
        saved = self._epoch_start
        if (saved is None or saved['epoch'] != epoch
                or len(saved['states']) != get_world_size()):
            return None
        return saved['states'][get_rank()]

    def before_train(self, runner) -> None:
        # Only a resumed run (iterations already done) continues the saved
        # generators; a run that loads weights to start afresh keeps its
        # seed.
        states, self._resumed = self._resumed, None
        if states is None or runner.iter == 0:
            return
        if len(states) != get_world_size():
            runner.logger.warning(
                f'RandomStateHook: the checkpoint holds the random state of '
                f'{len(states)} ranks, this run has {get_world_size()}; the '
                f'generators start from the seed instead, so the resumed run '
                f'draws different augmentations than an uninterrupted one.')
            return
        set_random_state(states[get_rank()])

    def before_val(self, runner) -> None:
        self._before_val = get_random_state()

    def after_val(self, runner) -> None:
        state, self._before_val = self._before_val, None
        if state is not None:
            set_random_state(state)
