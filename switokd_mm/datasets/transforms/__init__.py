from .loading import CheckedLoadImageFromFile, UnreadableImageError

__all__ = ['CheckedLoadImageFromFile', 'UnreadableImageError']
