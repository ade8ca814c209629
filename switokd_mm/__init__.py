"""switokd_mm: Switchable Online Knowledge Distillation for OpenMMLab.

Importing the package registers its models, backbones, optimizer wrappers,
hooks, metrics and ``SafeRunner`` in the registries; it changes nothing in
mmengine. Safe checkpoint loading and atomic writes are switched on by
``SafeRunner`` and the tools (see :mod:`switokd_mm.utils.safe_loading`).
"""
from . import datasets, engine, evaluation, models, utils  # noqa: F401
from .version import __version__

__all__ = ['__version__']
