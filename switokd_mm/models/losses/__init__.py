from .kl_divergence import distillation_kl

__all__ = ['distillation_kl']
