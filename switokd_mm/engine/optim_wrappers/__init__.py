from .autocast_optim_wrapper import AutocastOptimWrapper
from .per_network_optim_wrapper_constructor import \
    PerNetworkOptimWrapperConstructor
from .switchable_optim_wrapper_dict import SwitchableOptimWrapperDict

__all__ = [
    'AutocastOptimWrapper', 'SwitchableOptimWrapperDict',
    'PerNetworkOptimWrapperConstructor'
]
