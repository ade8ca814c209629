from .mode_switch_hook import ModeSwitchHook
from .random_state_hook import RandomStateHook

__all__ = ['ModeSwitchHook', 'RandomStateHook']
