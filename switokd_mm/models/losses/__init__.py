from .distillation_losses import ce_with_distillation, with_feature_terms
from .feature import ATLoss, FitNetLoss, attention_map
from .kl_divergence import distillation_kl
from .min_logit_ensemble import min_logit_ensemble

__all__ = [
    'ATLoss', 'FitNetLoss', 'attention_map', 'ce_with_distillation',
    'distillation_kl', 'min_logit_ensemble', 'with_feature_terms'
]
