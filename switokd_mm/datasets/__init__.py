from .checks import check_data_roots
from .glyphs import Glyphs
from .tiny_imagenet import TinyImageNet
from .transforms import CheckedLoadImageFromFile, UnreadableImageError

__all__ = [
    'CheckedLoadImageFromFile', 'Glyphs', 'TinyImageNet',
    'UnreadableImageError', 'check_data_roots'
]
