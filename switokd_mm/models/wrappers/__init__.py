from .per_network_ddp import PerNetworkDistributedDataParallel

__all__ = ['PerNetworkDistributedDataParallel']
