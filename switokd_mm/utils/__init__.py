from .atomic_file_backend import AtomicLocalBackend
from .atomic_write import atomic_write, remove_partial_files
from .preflight import check_data_roots
from .quiet import filter_third_party_warnings, quiet_logger
from .resume_checkpoint import find_resume_checkpoint
from .run_records import load_records, summarize_records
from .safe_checkpoint import (CorruptCheckpointError, UnsafeCheckpointError,
                              allowed_checkpoint_globals, load_checkpoint_file,
                              load_local_checkpoint)
from .safe_loading import enable_safe_checkpoints, safe_checkpoints_enabled

__all__ = [
    'AtomicLocalBackend', 'CorruptCheckpointError', 'UnsafeCheckpointError',
    'allowed_checkpoint_globals', 'atomic_write', 'check_data_roots',
    'enable_safe_checkpoints', 'filter_third_party_warnings',
    'find_resume_checkpoint', 'load_checkpoint_file', 'load_local_checkpoint',
    'load_records', 'quiet_logger', 'remove_partial_files',
    'safe_checkpoints_enabled', 'summarize_records'
]
