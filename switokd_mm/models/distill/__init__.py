from .connectors import ConvConnector
from .recorders import FeatureRecorder, last_output
from .terms import (CONNECTORS, LOSS_MODULES, TRAINING_ONLY, FeatureTerm,
                    attach, build_terms, needs_sample_idx, recorded_paths,
                    sample_indices, term_losses)

__all__ = [
    'CONNECTORS', 'LOSS_MODULES', 'TRAINING_ONLY', 'ConvConnector',
    'FeatureRecorder', 'FeatureTerm', 'attach', 'build_terms', 'last_output',
    'needs_sample_idx', 'recorded_paths', 'sample_indices', 'term_losses'
]
