from .distillation_losses import ce_with_distillation
from .kl_divergence import distillation_kl
from .min_logit_ensemble import min_logit_ensemble

__all__ = ['ce_with_distillation', 'distillation_kl', 'min_logit_ensemble']
