from .connectors import ConvConnector
from .recorders import FeatureRecorder
from .terms import (CONNECTORS, FeatureTerm, build_terms, recorded_paths,
                    term_losses)

__all__ = [
    'CONNECTORS', 'ConvConnector', 'FeatureRecorder', 'FeatureTerm',
    'build_terms', 'recorded_paths', 'term_losses'
]
