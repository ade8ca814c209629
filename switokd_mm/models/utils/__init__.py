from .checks import (check_finite, check_hyper_parameters, check_optim_wrapper,
                     raise_non_finite)
from .collectives import average_over_ranks
from .host_decision import HostDecision, read_decision
from .learner_updates import update_learners
from .norm_buffers import load_norm_buffers, norm_buffers
from .targets import soft_targets

__all__ = [
    'HostDecision', 'average_over_ranks', 'read_decision', 'check_finite',
    'check_hyper_parameters', 'check_optim_wrapper', 'load_norm_buffers',
    'norm_buffers', 'raise_non_finite', 'soft_targets', 'update_learners'
]
