from .checks import (check_finite, check_hyper_parameters, check_optim_wrapper,
                     raise_non_finite)
from .collectives import average_over_ranks
from .norm_buffers import load_norm_buffers, norm_buffers
from .targets import soft_targets

__all__ = [
    'average_over_ranks', 'check_finite', 'check_hyper_parameters',
    'check_optim_wrapper', 'load_norm_buffers', 'norm_buffers',
    'raise_non_finite', 'soft_targets'
]
