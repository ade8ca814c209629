from .autocast_optim_wrapper import AutocastOptimWrapper
from .switchable_optim_wrapper_dict import SwitchableOptimWrapperDict
from .switokd_optim_wrapper_constructor import SwitOKDOptimWrapperConstructor

__all__ = [
    'AutocastOptimWrapper', 'SwitchableOptimWrapperDict',
    'SwitOKDOptimWrapperConstructor'
]
