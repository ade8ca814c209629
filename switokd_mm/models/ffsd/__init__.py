"""FFSD's parts: attention maps and shift, the fusion module, the leader's
trans-fusion head and the self-distillation decoder."""
from .attention import (attention, distance, diversity, shift_target,
                        shifted_features, unit_rows, warmup_factor)
from .decoder import FeatureDecoder
from .fusion import FusionModule, TransFusionHead

__all__ = [
    'FeatureDecoder', 'FusionModule', 'TransFusionHead', 'attention',
    'distance', 'diversity', 'shift_target', 'shifted_features', 'unit_rows',
    'warmup_factor'
]
