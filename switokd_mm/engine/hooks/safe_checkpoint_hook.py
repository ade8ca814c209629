"""Checkpoint rotation that never leaves a run without a complete
checkpoint."""
import os.path as osp
from typing import List

from mmengine.dist import is_main_process
from mmengine.hooks import CheckpointHook
from mmpretrain.registry import HOOKS

from switokd_mm.checkpoint.atomic_write import (check_writable,
                                                remove_partial_files)


class _DeferredRemoval:
    """A file backend whose ``remove``/``rmtree`` wait for :meth:`flush`."""

    def __init__(self, backend) -> None:
        self._backend = backend
        self._pending: List[str] = []

    def __getattr__(self, name):
        return getattr(self._backend, name)

    def remove(self, path) -> None:
        self._pending.append(path)

    def rmtree(self, path) -> None:
        self._pending.append(path)

    def flush(self) -> None:
        """Remove what was queued (the new checkpoint is complete now)."""
        pending, self._pending = self._pending, []
        for path in pending:
            if self._backend.isfile(path):
                self._backend.remove(path)
            elif self._backend.isdir(path):
                self._backend.rmtree(path)


@HOOKS.register_module()
class SafeCheckpointHook(CheckpointHook):
    """mmengine's ``CheckpointHook`` that writes the new checkpoint before
    it deletes the one it replaces.

    mmengine removes the oldest checkpoint (``max_keep_ckpts``) and the
    previous best (``save_best``) before the new file is written: a kill
    during the save then leaves no complete checkpoint (with
    ``max_keep_ckpts=1``) or no best one. Here the removals wait until the
    new file is complete (written atomically and renamed). Temporary files
    left by killed writers are removed when training starts, and a local
    ``out_dir`` that cannot be written is an error then, not at the first
    save. Same arguments as ``CheckpointHook``; :class:`SafeRunner` uses it
    for ``default_hooks.checkpoint`` of type ``CheckpointHook``.
    """

    def before_train(self, runner) -> None:
        super().before_train(runner)
        if is_main_process() and '://' not in self.out_dir:
            check_writable(self.out_dir)
        # Only the main process writes checkpoints; ranks sharing the folder
        # would race to delete the same stale files.
        if is_main_process() and osp.isdir(self.out_dir):
            for path in remove_partial_files(self.out_dir):
                runner.logger.info(f'Removed {path}, left by a killed write')
        self.file_backend = _DeferredRemoval(self.file_backend)

    def _save_checkpoint_with_step(self, runner, step, meta) -> None:
        super()._save_checkpoint_with_step(runner, step, meta)
        self.file_backend.flush()

    def _save_best_checkpoint(self, runner, metrics) -> None:
        super()._save_best_checkpoint(runner, metrics)
        self.file_backend.flush()
