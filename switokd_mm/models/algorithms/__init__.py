from .base_distiller import BaseDistiller
from .dml import DML
from .kdcl import KDCL
from .multi_switokd import MultiSwitOKD
from .offline_kd import OfflineKD
from .switokd import SwitOKD

__all__ = [
    'BaseDistiller', 'DML', 'KDCL', 'MultiSwitOKD', 'OfflineKD', 'SwitOKD'
]
