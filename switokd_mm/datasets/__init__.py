from .tiny_imagenet import TinyImageNet
from .transforms import CheckedLoadImageFromFile, UnreadableImageError

__all__ = ['CheckedLoadImageFromFile', 'TinyImageNet', 'UnreadableImageError']
