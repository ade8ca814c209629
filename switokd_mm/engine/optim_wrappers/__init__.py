from .switchable_optim_wrapper_dict import SwitchableOptimWrapperDict
from .switokd_optim_wrapper_constructor import SwitOKDOptimWrapperConstructor

__all__ = ['SwitchableOptimWrapperDict', 'SwitOKDOptimWrapperConstructor']
