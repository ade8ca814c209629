from .preflight import check_data_roots
from .run_records import load_records
from .safe_checkpoint import (UnsafeCheckpointError, allowed_checkpoint_globals,
                              load_local_checkpoint)

__all__ = [
    'UnsafeCheckpointError', 'allowed_checkpoint_globals', 'check_data_roots',
    'load_local_checkpoint', 'load_records'
]
