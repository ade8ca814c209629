"""switokd_mm: Switchable Online Knowledge Distillation for OpenMMLab.

Importing the package registers its models, backbones, optimizer wrappers,
hooks and metrics in mmpretrain's registries, and makes mmengine load local
checkpoints with the safe loader (see :mod:`switokd_mm.utils`).
"""
from . import datasets, engine, evaluation, models, utils  # noqa: F401
from .version import __version__

__all__ = ['__version__']
