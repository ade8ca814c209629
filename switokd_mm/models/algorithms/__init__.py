from .switokd import SwitOKD

__all__ = ['SwitOKD']
