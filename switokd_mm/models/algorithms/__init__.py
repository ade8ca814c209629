from .base_distiller import BaseDistiller
from .dml import DML
from .kdcl import KDCL
from .offline_kd import OfflineKD
from .switokd import SwitOKD

__all__ = ['BaseDistiller', 'DML', 'KDCL', 'OfflineKD', 'SwitOKD']
