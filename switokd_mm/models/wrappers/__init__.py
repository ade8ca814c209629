from .switokd_data_parallel import SwitOKDDataParallel

__all__ = ['SwitOKDDataParallel']
