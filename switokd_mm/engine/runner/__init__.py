from .require_safe_runner_hook import RequireSafeRunnerHook
from .resumable_loop import ResumableEpochBasedTrainLoop
from .safe_runner import SafeRunner

__all__ = [
    'RequireSafeRunnerHook', 'ResumableEpochBasedTrainLoop', 'SafeRunner'
]
