from .resumable_loop import ResumableEpochBasedTrainLoop

__all__ = ['ResumableEpochBasedTrainLoop']
