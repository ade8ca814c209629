"""switokd_mm: Switchable Online Knowledge Distillation for OpenMMLab.

Importing the package registers its models, backbones, optimizer wrappers,
hooks, metrics and ``SafeRunner`` in the registries and ignores the
third-party deprecation notices listed in :mod:`switokd_mm.utils.quiet`;
it changes nothing else in mmengine. Safe checkpoint loading and atomic
writes are switched on by ``SafeRunner`` and the tools (see
:mod:`switokd_mm.checkpoint.loader_registration`).
"""
from .utils.quiet import filter_third_party_warnings

filter_third_party_warnings()  # before the imports below emit them

from . import (apis, checkpoint, datasets, engine,  # noqa: E402,F401
               evaluation, models, utils)
from .version import __version__  # noqa: E402

__all__ = ['__version__']
