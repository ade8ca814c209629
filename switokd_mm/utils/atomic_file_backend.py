"""Atomic writes for every local file mmengine saves (checkpoints first).

mmengine's ``LocalBackend.put`` opens the target with 'wb' and writes into
it: a process killed mid-write leaves a truncated ``epoch_N.pth`` that a
later ``--resume`` then picks. Importing switokd_mm registers
:class:`AtomicLocalBackend` as mmengine's ``local`` backend: each write goes
to a temporary file in the same folder, is flushed to disk, and replaces the
target in one rename, so a reader sees the old file or the new one, never a
part.
"""
import os
import os.path as osp
from pathlib import Path
from typing import Union

from mmengine.fileio import LocalBackend, register_backend
from mmengine.utils import mkdir_or_exist


@register_backend('local', force=True, prefixes='')
class AtomicLocalBackend(LocalBackend):
    """mmengine's LocalBackend with atomic ``put`` and ``put_text``."""

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        """Write ``obj`` to ``filepath`` atomically (temp file + rename).

        Args:
            obj: the bytes to write.
            filepath: the target path; missing folders are created.
        """
        filepath = str(filepath)
        mkdir_or_exist(osp.dirname(filepath) or '.')
        partial = f'{filepath}.partial-{os.getpid()}'
        try:
            with open(partial, 'wb') as f:
                f.write(obj)
                f.flush()
                os.fsync(f.fileno())
            os.replace(partial, filepath)
        finally:
            if osp.exists(partial):
                os.remove(partial)

    def put_text(self,
                 obj: str,
                 filepath: Union[str, Path],
                 encoding: str = 'utf-8') -> None:
        """Write text to ``filepath`` atomically."""
        self.put(obj.encode(encoding), filepath)
