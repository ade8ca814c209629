from .autocast_optim_wrapper import AutocastOptimWrapper
from .per_network_optim_wrapper_constructor import \
    PerNetworkOptimWrapperConstructor

__all__ = ['AutocastOptimWrapper', 'PerNetworkOptimWrapperConstructor']
