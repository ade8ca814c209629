from .base_distiller import BaseDistiller
from .dml import DML
from .kdcl import KDCL
from .multi_kdcl import MultiKDCL
from .multi_network_base import MultiNetworkBase
from .multi_switokd import MultiSwitOKD
from .offline_kd import OfflineKD
from .switokd import SwitOKD

__all__ = [
    'BaseDistiller', 'DML', 'KDCL', 'MultiKDCL', 'MultiNetworkBase',
    'MultiSwitOKD', 'OfflineKD', 'SwitOKD'
]
