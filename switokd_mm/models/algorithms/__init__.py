from .dml import DML
from .ffsd import FFSD
from .kdcl import KDCL, MultiKDCL
from .multi_network_model import MultiNetworkModel
from .multi_switokd import MultiSwitOKD
from .offline_kd import OfflineKD
from .paraphraser_pretraining import ParaphraserPretraining
from .spot_adaptive_kd import SpotAdaptiveKD
from .switokd import SwitOKD

__all__ = [
    'DML', 'FFSD', 'KDCL', 'MultiKDCL', 'MultiNetworkModel', 'MultiSwitOKD',
    'OfflineKD', 'ParaphraserPretraining', 'SpotAdaptiveKD', 'SwitOKD'
]
