from .distillation_losses import ce_with_distillation
from .kl_divergence import distillation_kl

__all__ = ['ce_with_distillation', 'distillation_kl']
