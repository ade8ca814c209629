from .per_network_metric import PerNetworkMetric
from .reconstruction_error import ReconstructionError

__all__ = ['PerNetworkMetric', 'ReconstructionError']
