"""switokd_mm: Switchable Online Knowledge Distillation for OpenMMLab.

Importing the package registers its models, backbones, optimizer wrappers,
hooks and metrics in mmpretrain's registries, makes mmengine load local
checkpoints with the safe loader (see :mod:`switokd_mm.utils`) and ignores
the third-party deprecation notices listed in
:mod:`switokd_mm.utils.quiet`.
"""
from .utils.quiet import filter_third_party_warnings

filter_third_party_warnings()  # before the imports below emit them

from . import datasets, engine, evaluation, models, utils  # noqa: E402,F401
from .version import __version__  # noqa: E402

__all__ = ['__version__']
