from .mode_switch_hook import ModeSwitchHook

__all__ = ['ModeSwitchHook']
