"""Checkpoints: loaded without unpickling anything but weights (local and
remote, CRC-checked), written atomically, checked to fit the model, the
config they store read as plain values, the point a resume continues
from."""
from .atomic_file_backend import AtomicLocalBackend
from .atomic_write import atomic_write, remove_partial_files
from .file_loader import (CorruptCheckpointError, UnsafeCheckpointError,
                          allowed_checkpoint_globals, load_checkpoint_file,
                          load_local_checkpoint)
from .loader_registration import (enable_safe_checkpoints,
                                  safe_checkpoints_enabled)
from .resume_point import find_resume_checkpoint

__all__ = [
    'AtomicLocalBackend', 'CorruptCheckpointError', 'UnsafeCheckpointError',
    'allowed_checkpoint_globals', 'atomic_write', 'enable_safe_checkpoints',
    'find_resume_checkpoint', 'load_checkpoint_file', 'load_local_checkpoint',
    'remove_partial_files', 'safe_checkpoints_enabled'
]
