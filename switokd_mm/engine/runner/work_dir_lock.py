"""One live training run per work directory.

Two runs writing into one work directory mix their checkpoints, and
``--resume`` then continues from the mixture. :func:`work_dir_lock` holds
``WORK_DIR/.switokd_run.lock`` for a run's lifetime: an exclusive
``fcntl.flock`` on the open file, which the kernel releases when the
process ends, however it ends (``kill -9`` included), so a dead run's lock
never blocks the next run. The file names its run, as one JSON object::

    {"pid": 4242, "host": "node1", "start": "2024-05-01T10:00:00+02:00",
     "command": "tools/train.py CONFIG --work-dir WORK_DIR"}

for the error that refuses a second run. A normal end, or an exception,
removes the file; a killed run leaves it, unlocked, and the next run takes
it over.

A file written by another host is not taken over: flock does not reach
across hosts on every shared filesystem, and the other host's pid cannot be
checked from here; the error says which file to delete once that run has
ended. On a filesystem without flock (e.g. Lustre mounted with
``noflock``), a lock file of this host counts as held while its pid runs.
"""
import datetime
import fcntl
import json
import os
import os.path as osp
import shlex
import socket
import sys
from contextlib import contextmanager
from typing import Iterator, Set, Tuple

from switokd_mm.checkpoint.atomic_write import is_running

#: the lock file's name in the work directory
LOCK_FILE = '.switokd_run.lock'

#: lock files this process holds (tools/train.py takes the lock before the
#: Runner exists, SafeRunner.train takes it again for any other caller)
_held: Set[str] = set()


class WorkDirInUseError(RuntimeError):
    """Another training run holds the work directory."""


@contextmanager
def work_dir_lock(work_dir: str) -> Iterator[str]:
    """Hold the run lock of ``work_dir`` for the block.

    Args:
        work_dir: the run's work directory (created if missing).

    Yields:
        str: the lock file's path.

    Raises:
        WorkDirInUseError: another run holds the lock, or may (a lock file
            of another host); nothing is written then.

    A lock this process holds already is held again without a second
    acquisition (the outer block releases it).
    """
    os.makedirs(work_dir, exist_ok=True)
    path = osp.join(work_dir, LOCK_FILE)
    key = osp.realpath(path)
    if key in _held:
        yield path
        return
    fd = _acquire(path)
    _held.add(key)
    try:
        yield path
    finally:
        _held.discard(key)
        # removed while still locked: a run that opened this file meanwhile
        # finds it gone once it gets the lock, and locks a new file instead
        if _is_file_at(fd, path):
            os.remove(path)
        os.close(fd)


def _acquire(path: str) -> int:
    """Lock ``path`` for this process and write its run into it.

    Returns:
        int: the file descriptor holding the lock.
    """
    fd, flocked = _open_locked(path)
    owner = _read_owner(fd)
    if owner and _may_be_running(owner, flocked):
        os.close(fd)
        raise WorkDirInUseError(_in_use_message(path, owner))
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(_this_run()).encode(), 0)
    # visible to other hosts on a shared filesystem without a close
    os.fsync(fd)
    return fd


def _may_be_running(owner: dict, flocked: bool) -> bool:
    """Whether the run ``owner`` of a lock file this process could lock
    (``flocked``), or could not as the filesystem has no flock, may still
    run."""
    if owner['host'] != socket.gethostname():
        return True  # flock may not reach it; its pid cannot be checked
    return not flocked and is_running(owner['pid'])


def _open_locked(path: str) -> Tuple[int, bool]:
    """Open ``path`` (created if missing) and flock it, without waiting.

    Returns:
        tuple[int, bool]: the file descriptor, and whether it holds the
        flock (False where the filesystem has no flock).

    Raises:
        WorkDirInUseError: another process holds the flock.
    """
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = _read_owner(fd)
            os.close(fd)
            raise WorkDirInUseError(_in_use_message(path, owner)) from None
        except OSError:  # ENOLCK, ENOSYS, EOPNOTSUPP: no flock here
            return fd, False
        if _is_file_at(fd, path):
            return fd, True
        # its holder removed the file between our open and our lock
        os.close(fd)


def _is_file_at(fd: int, path: str) -> bool:
    """Whether ``fd`` is the file now at ``path``."""
    try:
        return osp.samestat(os.fstat(fd), os.stat(path))
    except FileNotFoundError:
        return False


def _read_owner(fd: int) -> dict:
    """The run recorded in the lock file; empty when there is none (a new
    file, or one whose holder is still writing it)."""
    try:
        owner = json.loads(os.pread(fd, 1 << 16, 0))
    except ValueError:
        return {}
    valid = (
        isinstance(owner, dict) and isinstance(owner.get('pid'), int)
        and isinstance(owner.get('host'), str))
    return owner if valid else {}


def _this_run() -> dict:
    start = datetime.datetime.now().astimezone()
    return dict(
        pid=os.getpid(),
        host=socket.gethostname(),
        start=start.isoformat(timespec='seconds'),
        command=shlex.join(sys.argv))


def _in_use_message(path: str, owner: dict) -> str:
    run = (f"pid {owner['pid']} on host {owner['host']}, started "
           f"{owner.get('start')}, command: {owner.get('command')}"
           if owner else 'its details are not written yet')
    message = (f'The work dir {osp.dirname(path)} is in use by another '
               f'training run ({run}). Two runs in one work dir mix their '
               f'checkpoints: wait for that run to end, or use another '
               f'--work-dir.')
    if owner and owner['host'] != socket.gethostname():
        message += (f' Whether a run on another host has ended cannot be '
                    f'checked from here: if it has, delete {path}.')
    return message
