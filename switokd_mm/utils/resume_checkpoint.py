"""Which checkpoint ``--resume`` (without a path) continues from."""
import logging
import os.path as osp
from glob import glob
from typing import Optional

from mmengine.logging import print_log
from mmengine.runner import find_latest_checkpoint


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
        no training checkpoint (``best_*.pth`` files are not resumable
        points of a run).
    """
    named = find_latest_checkpoint(work_dir) or ''
    if named and osp.isfile(named):
        return named
    candidates = [
        path for path in glob(osp.join(work_dir, '*.pth'))
        if not osp.basename(path).startswith('best_')
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
