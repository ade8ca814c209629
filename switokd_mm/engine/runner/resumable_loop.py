"""An epoch-based training loop that resumes in the middle of an epoch."""
import itertools
from typing import Any, Iterator, Tuple

from mmengine.runner import EpochBasedTrainLoop
from mmpretrain.registry import LOOPS

from switokd_mm.utils.random_state import preserved_random_state


@LOOPS.register_module()
class ResumableEpochBasedTrainLoop(EpochBasedTrainLoop):
    """mmengine's ``EpochBasedTrainLoop`` that can resume mid-epoch.

    mmengine's loop restarts an interrupted epoch from its first batch, so a
    run killed in the middle of an epoch trains the batches it had already
    trained once more (and counts them twice). This loop continues with the
    first batch the checkpoint had not trained: it replays the epoch's
    already-trained batches through the dataloader without training on
    them, which keeps the sampler's order and the data workers' random
    augmentations in step, and then restores the random state (that replay
    does not move the generators that :class:`RandomStateHook` restored).

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

    def run(self):
        """Validate a resumed epoch that may not have been validated, then
        train as mmengine's loop does."""
        if self._resumed_before_validation():
            self.runner.logger.info(
                f'Validating epoch {self._epoch}, the epoch the run resumes '
                f'after (its checkpoint was written before its validation)')
            self.runner.val_loop.run()
        return super().run()

    def _resumed_before_validation(self) -> bool:
        """Whether the run resumes at the end of an epoch after which
        validation is due."""
        epoch = self._epoch
        return (self._iter > 0 and epoch > 0
                and self._iter == epoch * len(self.dataloader)
                and self.runner.val_loop is not None
                and epoch >= self.val_begin
                and (epoch % self.val_interval == 0
                     or epoch == self._max_epochs))

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
        batches = enumerate(self.dataloader)
        if trained:
            self.runner.logger.info(
                f'Resuming in the middle of epoch {self._epoch + 1}: '
                f'replaying its {trained} trained batches without training')
            with preserved_random_state():
                next(itertools.islice(batches, trained - 1, None))
        return batches
