"""Image files a dataloader will read, checked before training: a corrupt
file or images with different channel counts would stop the run when their
batch is loaded."""
from typing import Dict, Iterator, Optional, Tuple

import numpy as np
from mmcv.transforms import LoadImageFromFile
from mmengine.dist import all_gather_object, get_dist_info
from mmengine.fileio import LocalBackend, get_file_backend
from PIL import Image

from ..transforms import UnreadableImageError

#: Images of each dataset decoded in full before training, evenly spaced
#: over it (first and last included, so every part of a large dataset is
#: represented). ImageNet-size JPEGs take ~1.3 ms each with OpenCV
#: (measured), ~0.3 s for the sample; a corrupt 1 % of the files is found
#: with probability 1 - 0.99 ** 256 = 92 %.
DECODED_SAMPLE = 256

#: What Pillow reads from a header that decides an image's channel count.
HeaderKind = Tuple[str, str, bool]


def check_images(dataset, name: str, read_all_headers: bool = True) -> None:
    """Raise before the first iteration on an image file that the pipeline
    cannot load, or on images that load with different channel counts
    (e.g. grey and colour files with ``color_type='unchanged'``: a batch of
    both cannot be stacked).

    Checked: each dataset (or wrapped dataset) whose pipeline loads files
    with mmcv's ``LoadImageFromFile`` or a subclass such as
    ``CheckedLoadImageFromFile``. Pillow reads every file's header
    (format, mode, transparency: what decides the channel count); the
    pipeline's own loader then decodes :data:`DECODED_SAMPLE` files, the
    first file of each header kind and every file whose header Pillow
    cannot read (the loader may read what Pillow cannot). In-memory
    datasets (Fashion-MNIST, CIFAR) have no files; files behind a remote
    backend (``backend_args``) get the decoded sample only.

    In a distributed run every rank checks its share of the files (file
    ``i`` on rank ``i % world_size``) and the ranks then share what they
    found, so each raises the same error.

    Cost, measured on 3000 ImageNet-size JPEGs: 50-70 us per file from
    the page cache, ~200 us after evicting them from it (a virtual disk),
    so ImageNet's 1.28 M training files take 1-1.5 min (cached) to ~4 min
    on one process (divided by the number of ranks), longer on network
    storage; plus ~1.3 ms per decoded file. ``read_all_headers=False``
    skips the header scan.

    Args:
        dataset: a built dataset.
        name: the dataloader's config field, for the messages.
        read_all_headers: False decodes the sample only, without reading
            every file's header (for a large dataset on slow storage:
            ``data_checks = dict(read_all_headers=False)`` in a config).

    Raises:
        UnreadableImageError: naming the dataloader and the file; a loader
            that skips unreadable files (``ignore_empty=True``) skips it
            here too.
        ValueError: naming a file of each channel count.
    """
    rank, world_size = get_dist_info()
    try:
        found = ('channels',
                 _channel_counts(dataset, name, rank, world_size,
                                 read_all_headers))
    except (UnreadableImageError, ValueError) as error:
        found = ('error', (type(error), str(error)))
    everyone = all_gather_object(found) if world_size > 1 else [found]
    channels: Dict[int, Tuple[str, str]] = {}
    for kind, value in everyone:
        if kind == 'error':
            error_type, message = value
            raise error_type(message)
        for count, seen in value.items():
            channels.setdefault(count, seen)
    if len(channels) > 1:
        (one, (a, color_type)), (other, (b, _)) = sorted(channels.items())[:2]
        raise ValueError(
            f'{name}: the images load with different channel counts '
            f'(color_type={color_type!r}): {a} has {one}, {b} has {other}; '
            f'a batch holding both cannot be stacked. Convert the files to '
            f"one mode, or load them with color_type='color' (3 channels) "
            f"or 'grayscale' (1).")


def _channel_counts(dataset, name: str, rank: int, world_size: int,
                    read_all_headers: bool) -> Dict[int, Tuple[str, str]]:
    """Channel count -> (a file that loads with it, the loader's
    color_type), over this rank's share of the files of every leaf
    dataset."""
    channels: Dict[int, Tuple[str, str]] = {}
    for leaf in leaf_datasets(dataset):
        load = _file_loader(leaf)
        if load is None or len(leaf) == 0:
            continue
        local = _reads_local_files(load, leaf.get_data_info(0)['img_path'])
        for info in _files_to_decode(leaf, local and read_all_headers, rank,
                                     world_size):
            count = _loaded_channels(load, info, name)
            if count is not None:
                channels.setdefault(count, (info['img_path'], load.color_type))
    return channels


def leaf_datasets(dataset) -> Iterator:
    """``dataset``, or the datasets it wraps (ConcatDataset, RepeatDataset,
    ...), recursively."""
    inner = getattr(dataset, 'datasets', None)
    if inner is None and hasattr(dataset, 'dataset'):
        inner = [dataset.dataset]
    if inner is None:
        yield dataset
        return
    for sub in inner:
        yield from leaf_datasets(sub)


def _file_loader(dataset) -> Optional[LoadImageFromFile]:
    """The transform of ``dataset``'s pipeline that loads image files."""
    transforms = getattr(getattr(dataset, 'pipeline', None), 'transforms', [])
    return next((t for t in transforms if isinstance(t, LoadImageFromFile)),
                None)


def _reads_local_files(load: LoadImageFromFile, path: str) -> bool:
    """Whether ``load`` reads ``path`` from the local file system (where
    Pillow can read headers without fetching whole files)."""
    return load.file_client_args is None and isinstance(
        get_file_backend(path, backend_args=load.backend_args), LocalBackend)


def _files_to_decode(dataset, read_headers: bool, rank: int,
                     world_size: int) -> Iterator[dict]:
    """Data infos of this rank's files of ``dataset`` to decode: its part
    of the evenly spaced sample and, when ``read_headers``, the first of its
    files of each header kind and every one whose header Pillow cannot
    read."""
    count = len(dataset)
    sample = set(
        np.linspace(0, count - 1, min(count, DECODED_SAMPLE)).round().astype(
            int).tolist())
    if not read_headers:
        yield from (dataset.get_data_info(index) for index in sorted(sample)
                    if index % world_size == rank)
        return
    kinds = set()
    for index in range(rank, count, world_size):
        info = dataset.get_data_info(index)
        kind = _header_kind(info['img_path'])
        if index in sample or kind is None or kind not in kinds:
            kinds.add(kind)
            yield info


def _header_kind(path: str) -> Optional[HeaderKind]:
    """Format, mode and transparency of an image file, from its header
    alone (Pillow opens lazily); None where Pillow cannot read it."""
    try:
        with Image.open(path) as image:
            return image.format, image.mode, 'transparency' in image.info
    except Exception:  # the loader decides whether the file is unreadable
        return None


def _loaded_channels(load: LoadImageFromFile, info: dict,
                     name: str) -> Optional[int]:
    """Channel count of the image ``load`` makes of ``info``'s file; None
    where the loader skips the file (``ignore_empty=True``; the one of
    ``CheckedLoadImageFromFile`` warns)."""
    try:
        results = load(info)
    except Exception as error:  # each decoder fails in its own way
        reason = error if isinstance(error, UnreadableImageError) else (
            f"cannot read image {info['img_path']} ({error!r})")
        raise UnreadableImageError(f'{name}: {reason}') from error
    if results is None:
        return None
    image = results['img']
    return image.shape[2] if image.ndim == 3 else 1
