"""One way to write a file so that readers never see a part of it.

Every file switokd_mm writes where a reader could find it half-written
(checkpoints through mmengine's file backend, exported networks, prepared
datasets) goes through :func:`atomic_write`: the bytes go to a temporary
``<target>.partial-<pid>`` file in the same folder, are flushed to disk and
replace the target in one rename. A process killed at any moment leaves the
old file or the new one, plus possibly a temporary file that
:func:`remove_partial_files` cleans when a run starts.
"""
import glob
import os
import os.path as osp
import tempfile
from contextlib import contextmanager
from typing import BinaryIO, Iterator, List, Union

PARTIAL_SUFFIX = '.partial-'


@contextmanager
def atomic_write(target: Union[str, os.PathLike]) -> Iterator[BinaryIO]:
    """Open a temporary binary file that replaces ``target`` on success.

    Args:
        target: the file to (over)write; missing folders are created.

    Yields:
        BinaryIO: the temporary file. If the block raises, ``target`` is
        left as it was and the temporary file is removed.
    """
    target = os.fspath(target)
    os.makedirs(osp.dirname(target) or '.', exist_ok=True)
    partial = f'{target}{PARTIAL_SUFFIX}{os.getpid()}'
    try:
        with open(partial, 'wb') as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(partial, target)
    finally:
        if osp.exists(partial):
            os.remove(partial)


def check_writable(folder: str) -> None:
    """Raise unless files can be created in ``folder`` (created if
    missing).

    Args:
        folder: a local folder.

    Raises:
        PermissionError: naming the folder and the reason.
    """
    try:
        os.makedirs(folder, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise PermissionError(
            f'Cannot write checkpoints to {folder}: {error.strerror or error}.'
            f' Choose another folder (default_hooks.checkpoint.out_dir or '
            f'--work-dir).') from error


def remove_partial_files(folder: str) -> List[str]:
    """Delete the temporary files that killed writers left in ``folder``.

    Only files named ``*.partial-<pid>`` whose process no longer runs are
    removed, so a writer still at work keeps its file.

    Args:
        folder: the folder to clean (not recursive).

    Returns:
        list[str]: the removed paths.
    """
    removed = []
    pattern = osp.join(glob.escape(folder), f'*{PARTIAL_SUFFIX}*')
    for path in glob.glob(pattern):
        pid = path.rsplit(PARTIAL_SUFFIX, 1)[1]
        if pid.isdigit() and not is_running(int(pid)):
            os.remove(path)
            removed.append(path)
    return removed


def is_running(pid: int) -> bool:
    """Whether a process ``pid`` exists on this host (ours included)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
