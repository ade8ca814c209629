from .random_state_hook import RandomStateHook
from .safe_checkpoint_hook import SafeCheckpointHook
from .spot_share_logger_hook import SpotShareLoggerHook
from .switching_logger_hook import SwitchingLoggerHook

__all__ = [
    'RandomStateHook', 'SafeCheckpointHook', 'SpotShareLoggerHook',
    'SwitchingLoggerHook'
]
