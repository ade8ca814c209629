"""Stage-wise execution of mmpretrain classifiers: their forward as
segments (stem + stage 1, stage 2, ..., pooled vector, logits) on their own
modules. Importing the package registers the stage splitters of the
supported backbones."""
from . import splitters  # noqa: F401  (registers the splitters)
from .classifier import ClassifierSegments, split_classifier
from .registry import (BackboneStages, Stage, find_stage_splitter,
                       register_stage_splitter, supported_backbones)
from .segment import Segment

__all__ = [
    'BackboneStages', 'ClassifierSegments', 'Segment', 'Stage',
    'find_stage_splitter', 'register_stage_splitter', 'split_classifier',
    'supported_backbones'
]
