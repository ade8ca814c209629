"""SAKD's parts: hard Gumbel-softmax decisions, the graft network and its
adapters, the policy learner and the policy loss."""
from .adapters import build_adapter
from .graft import graft_forward
from .gumbel import gumbel_noise, hard_gumbel_softmax, straight_through
from .policy import HOMO_BIAS, SpotPolicy
from .policy_loss import logit_hinge, policy_losses, weighted_graft_ce

__all__ = [
    'HOMO_BIAS', 'SpotPolicy', 'build_adapter', 'graft_forward',
    'gumbel_noise', 'hard_gumbel_softmax', 'logit_hinge', 'policy_losses',
    'straight_through', 'weighted_graft_ce'
]
