from .quiet import filter_third_party_warnings, quiet_logger
from .run_records import load_records, summarize_records

__all__ = [
    'filter_third_party_warnings', 'load_records', 'quiet_logger',
    'summarize_records'
]
