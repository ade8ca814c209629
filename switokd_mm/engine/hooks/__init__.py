from .mode_switch_hook import ModeSwitchHook
from .random_state_hook import RandomStateHook
from .safe_checkpoint_hook import SafeCheckpointHook

__all__ = ['ModeSwitchHook', 'RandomStateHook', 'SafeCheckpointHook']
