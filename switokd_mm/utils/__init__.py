from .atomic_file_backend import AtomicLocalBackend
from .preflight import check_data_roots
from .quiet import filter_third_party_warnings, quiet_logger
from .resume_checkpoint import find_resume_checkpoint
from .run_records import load_records, summarize_records
from .safe_checkpoint import (UnsafeCheckpointError,
                              allowed_checkpoint_globals,
                              load_local_checkpoint)

__all__ = [
    'AtomicLocalBackend', 'UnsafeCheckpointError',
    'allowed_checkpoint_globals', 'check_data_roots',
    'filter_third_party_warnings', 'find_resume_checkpoint',
    'load_local_checkpoint', 'load_records', 'quiet_logger',
    'summarize_records'
]
