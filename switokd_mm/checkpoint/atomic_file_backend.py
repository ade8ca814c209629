"""Atomic writes for every local file mmengine saves (checkpoints first).

mmengine's ``LocalBackend.put`` opens the target with 'wb' and writes into
it: a process killed mid-write leaves a truncated ``epoch_N.pth`` that a
later ``--resume`` then picks.
:func:`~switokd_mm.checkpoint.enable_safe_checkpoints` registers
:class:`AtomicLocalBackend` as mmengine's ``local`` backend; it writes
with :func:`~switokd_mm.checkpoint.atomic_write.atomic_write`, so a reader sees
the old file or the new one, never a part.
"""
from pathlib import Path
from typing import Union

from mmengine.fileio import LocalBackend

from .atomic_write import atomic_write


class AtomicLocalBackend(LocalBackend):
    """mmengine's LocalBackend with atomic ``put`` and ``put_text``."""

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        """Write ``obj`` to ``filepath`` atomically (temp file + rename).

        Args:
            obj: the bytes to write.
            filepath: the target path; missing folders are created.
        """
        with atomic_write(filepath) as f:
            f.write(obj)

    def put_text(self,
                 obj: str,
                 filepath: Union[str, Path],
                 encoding: str = 'utf-8') -> None:
        """Write text to ``filepath`` atomically."""
        self.put(obj.encode(encoding), filepath)
