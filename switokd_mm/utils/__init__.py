from .atomic_file_backend import AtomicLocalBackend
from .preflight import check_data_roots
from .resume_checkpoint import find_resume_checkpoint
from .run_records import load_records, summarize_records
from .safe_checkpoint import (UnsafeCheckpointError,
                              allowed_checkpoint_globals,
                              load_local_checkpoint)

__all__ = [
    'AtomicLocalBackend', 'UnsafeCheckpointError',
    'allowed_checkpoint_globals', 'check_data_roots', 'find_resume_checkpoint',
    'load_local_checkpoint', 'load_records', 'summarize_records'
]
