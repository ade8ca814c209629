from .resumable_loop import ResumableEpochBasedTrainLoop
from .safe_runner import SafeRunner

__all__ = ['ResumableEpochBasedTrainLoop', 'SafeRunner']
