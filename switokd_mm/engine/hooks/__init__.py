from .random_state_hook import RandomStateHook
from .require_safe_runner_hook import RequireSafeRunnerHook
from .safe_checkpoint_hook import SafeCheckpointHook
from .switching_logger_hook import SwitchingLoggerHook

__all__ = [
    'SwitchingLoggerHook', 'RandomStateHook', 'RequireSafeRunnerHook',
    'SafeCheckpointHook'
]
