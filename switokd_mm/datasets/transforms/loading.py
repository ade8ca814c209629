"""Image loading that names the file it cannot read."""
import logging
from typing import Optional

from mmcv.transforms import LoadImageFromFile
from mmengine.logging import print_log
from mmpretrain.registry import TRANSFORMS


class UnreadableImageError(IOError):
    """An image file is missing, empty, truncated or not an image."""


@TRANSFORMS.register_module()
class CheckedLoadImageFromFile(LoadImageFromFile):
    """mmcv's ``LoadImageFromFile`` with one error for every unreadable file.

    mmcv's transform fails in several ways on a bad file: an empty file
    raises OpenCV's decoder error (which does not name it), an undecodable
    one an ``AssertionError`` (gone under ``python -O``). Here each raises
    :class:`UnreadableImageError` naming the file, which reaches the main
    process through the dataloader workers.

    With ``ignore_empty=True`` an unreadable file is skipped instead, with a
    warning naming it (mmcv's option skips only files that fail to load,
    not files that fail to decode): a training dataset then draws another
    sample in its place; validation and test datasets still stop, since
    skipping would change the evaluated set.

    Args:
        ignore_empty: skip unreadable files (see above).
        **kwargs: the other arguments of mmcv's ``LoadImageFromFile``.
    """

    def __init__(self, ignore_empty: bool = False, **kwargs) -> None:
        # mmcv's own skipping is off: every failure comes back here
        super().__init__(ignore_empty=False, **kwargs)
        self.skip_unreadable = ignore_empty

    def transform(self, results: dict) -> Optional[dict]:
        """Load ``results['img_path']``.

        Args:
            results: the data information of one sample.

        Returns:
            dict | None: ``results`` with the image, or None for a skipped
            unreadable file (``ignore_empty=True``).

        Raises:
            UnreadableImageError: the file cannot be read as an image.
        """
        path = results['img_path']
        try:
            return super().transform(results)
        except Exception as error:  # each decoder fails in its own way
            if not self.skip_unreadable:
                raise UnreadableImageError(
                    f'cannot read image {path} ({error!r}). Replace or '
                    f'remove the file, or set ignore_empty=True in '
                    f'{type(self).__name__} to skip unreadable training '
                    f'images.') from error
            print_log(
                f'skipping unreadable image {path} ({error!r})',
                logger='current',
                level=logging.WARNING)
            return None
