"""Which checkpoint ``--resume`` (without a path) continues from."""
import glob
import logging
import os.path as osp
import re
from typing import Optional

from mmengine.logging import print_log
from mmengine.runner import find_latest_checkpoint

#: names of the checkpoints mmengine's CheckpointHook writes during training
TRAINING_CHECKPOINT = re.compile(r'(epoch|iter)_\d+\.pth')


def find_resume_checkpoint(work_dir: str) -> Optional[str]:
    """The checkpoint a resumed run should continue from.

    mmengine names the latest checkpoint in ``work_dir/last_checkpoint``,
    written with a plain ``open``: a run killed while writing it can leave it
    empty, and a checkpoint it names can have been deleted. The checkpoints
    themselves are written atomically (see :class:`AtomicLocalBackend`), so
    the newest one on disk is always complete; it is taken, with a warning,
    whenever ``last_checkpoint`` does not name an existing file.

    Args:
        work_dir: the run's work directory.

    Returns:
        str | None: path of the checkpoint, or None when the directory holds
        no training checkpoint. Only ``epoch_N.pth`` and ``iter_N.pth``
        (what ``CheckpointHook`` writes) are candidates: ``best_*.pth`` and
        exported networks are not resumable points of a run.
    """
    named = find_latest_checkpoint(work_dir) or ''
    if named and osp.isfile(named):
        return named
    candidates = [
        path for path in glob.glob(osp.join(glob.escape(work_dir), '*.pth'))
        if TRAINING_CHECKPOINT.fullmatch(osp.basename(path))
    ]
    if not candidates:
        return None
    newest = max(candidates, key=osp.getmtime)
    reason = (f'names {named!r}, which does not exist'
              if named else 'is missing or empty')
    pointer = osp.join(work_dir, 'last_checkpoint')
    print_log(
        f'{pointer} {reason}; resuming from the newest checkpoint in the '
        f'work directory, {newest}',
        logger='current',
        level=logging.WARNING)
    return newest
