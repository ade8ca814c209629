from .per_network_metric import PerNetworkMetric

__all__ = ['PerNetworkMetric']
