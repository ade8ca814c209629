from .checks import check_data_roots
from .tiny_imagenet import TinyImageNet
from .transforms import CheckedLoadImageFromFile, UnreadableImageError

__all__ = [
    'CheckedLoadImageFromFile', 'TinyImageNet', 'UnreadableImageError',
    'check_data_roots'
]
