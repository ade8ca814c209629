"""An epoch-based training loop that resumes in the middle of an epoch."""
import itertools
from typing import Any, Iterator, Optional, Tuple

import torch.nn as nn
from mmengine.runner import EpochBasedTrainLoop
from mmpretrain.registry import LOOPS

from switokd_mm.engine.hooks.random_state_hook import RandomStateHook
from switokd_mm.engine.random_state import (preserved_random_state,
                                            set_random_state)


@LOOPS.register_module()
class ResumableEpochBasedTrainLoop(EpochBasedTrainLoop):
    """mmengine's ``EpochBasedTrainLoop`` that can resume mid-epoch.

    mmengine's loop restarts an interrupted epoch from its first batch, so a
    run killed in the middle of an epoch trains the batches it had already
    trained once more (and counts them twice). This loop continues with the
    first batch the checkpoint had not trained: it replays the epoch's
    already-trained batches through the dataloader without training on
    them, which keeps the sampler's order and the data workers' random
    augmentations in step. The epoch's iterator is created from the random
    state the epoch started from (:meth:`RandomStateHook.epoch_start_state`:
    creating it draws a base seed from torch's generator), and afterwards
    the generators are set back to the state :class:`RandomStateHook`
    restored, so that neither the new iterator nor the replay moves the
    draws of the training steps (Mixup, dropout, ...).

    Mid-epoch checkpoints come from mmengine's ``CheckpointHook`` with
    ``by_epoch=False`` (every ``interval`` iterations). The replay reads
    the skipped images again (no forward or backward pass).

    Args:
        runner: the runner.
        dataloader: the training dataloader or its config.
        max_epochs: number of epochs.
        **kwargs: ``val_begin``, ``val_interval``, ``dynamic_intervals`` of
            ``EpochBasedTrainLoop``.

    A run resumed from the checkpoint written at the end of an epoch (it is
    written before that epoch's validation) first validates that epoch: an
    interruption during validation would otherwise leave it never
    validated. When the interrupted run had finished that validation, it
    is repeated (same weights, same metrics).

    Config: ``train_cfg = dict(type='ResumableEpochBasedTrainLoop',
    max_epochs=..., val_interval=...)`` (mmengine allows no ``by_epoch``
    next to a ``type``).
    """

    def run(self) -> nn.Module:
        """mmengine's loop, which first validates a resumed epoch that may
        not have been validated."""
        self.runner.call_hook('before_train')
        if self._resumed_at_epoch_end() and self._validation_due():
            self.runner.logger.info(
                f'Validating epoch {self._epoch}, the epoch the run resumes '
                f'after (its checkpoint was written before its validation)')
            self.runner.val_loop.run()
        while self._epoch < self._max_epochs and not self.stop_training:
            self.run_epoch()
            self._decide_current_val_interval()
            if self._validation_due():
                self.runner.val_loop.run()
        self.runner.call_hook('after_train')
        return self.runner.model

    def _resumed_at_epoch_end(self) -> bool:
        return (self._iter > 0 and self._epoch > 0
                and self._iter == self._epoch * len(self.dataloader))

    def _validation_due(self) -> bool:
        """Whether the epoch just finished is one to validate."""
        return (self.runner.val_loop is not None
                and self._epoch >= self.val_begin
                and (self._epoch % self.val_interval == 0
                     or self._epoch == self._max_epochs))

    def run_epoch(self) -> None:
        """Train the epoch's batches that are not trained yet."""
        self.runner.call_hook('before_train_epoch')
        self.runner.model.train()
        for idx, data_batch in self._untrained_batches():
            self.run_iter(idx, data_batch)
        self.runner.call_hook('after_train_epoch')
        self._epoch += 1

    def _untrained_batches(self) -> Iterator[Tuple[int, Any]]:
        """(index, batch) of this epoch from the first untrained batch."""
        per_epoch = len(self.dataloader)
        trained = self._iter - self._epoch * per_epoch
        if not 0 <= trained <= per_epoch:
            raise RuntimeError(
                f'resumed at iteration {self._iter} of epoch '
                f'{self._epoch + 1}, but an epoch has {per_epoch} batches: '
                f'the checkpoint comes from a run with another dataset size, '
                f'batch size or number of ranks')
        if not trained:
            return enumerate(self.dataloader)
        self.runner.logger.info(
            f'Resuming in the middle of epoch {self._epoch + 1}: '
            f'replaying its {trained} trained batches without training')
        with preserved_random_state():
            epoch_start = self._epoch_start_state()
            if epoch_start is not None:
                set_random_state(epoch_start)
            batches = enumerate(self.dataloader)
            next(itertools.islice(batches, trained - 1, None))
        return batches

    def _epoch_start_state(self) -> Optional[dict]:
        """The random state this epoch started from, as saved by the
        runner's :class:`RandomStateHook` (None without it)."""
        for hook in self.runner.hooks:
            if isinstance(hook, RandomStateHook):
                return hook.epoch_start_state(self._epoch)
        self.runner.logger.warning(
            'Resuming inside an epoch without a RandomStateHook: the '
            'epoch\'s data order and augmentations may differ from the '
            'uninterrupted run\'s')
        return None
