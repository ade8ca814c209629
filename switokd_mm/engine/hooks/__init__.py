from .random_state_hook import RandomStateHook
from .safe_checkpoint_hook import SafeCheckpointHook
from .switching_logger_hook import SwitchingLoggerHook

__all__ = ['RandomStateHook', 'SafeCheckpointHook', 'SwitchingLoggerHook']
