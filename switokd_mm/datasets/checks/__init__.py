"""Checks of the data before training: data folders, the dataset, its
labels and its image files."""
from .data_roots import check_data_roots
from .dataloader_checks import build_loop, check_dataloader

__all__ = ['build_loop', 'check_data_roots', 'check_dataloader']
