"""Checks of a dataloader that would otherwise give silent nonsense or stop
the run in the middle of training."""
from typing import Any, Callable, Iterator, Mapping, Optional, Tuple

import numpy as np
import torch.nn as nn
from mmcv.transforms import LoadImageFromFile
from mmengine.fileio import LocalBackend, get_file_backend
from PIL import Image

from switokd_mm.datasets import UnreadableImageError
from .preflight import dataset_cfgs

#: Images of each dataset decoded in full before training, evenly spaced
#: over it (first and last included, so every part of a large dataset is
#: represented). ImageNet-size JPEGs take ~1.3 ms each with OpenCV
#: (measured), ~0.3 s for the sample; a corrupt 1 % of the files is found
#: with probability 1 - 0.99 ** 256 = 92 %.
DECODED_SAMPLE = 256

#: numpy's error when mmengine serializes a dataset without a sample.
EMPTY_DATASET_ERROR = 'need at least one array to concatenate'

#: Dataset arguments that decide which samples a dataset finds.
SOURCE_FIELDS = ('data_root', 'data_prefix', 'ann_file', 'split', 'indices')

#: What Pillow reads from a header that decides an image's channel count.
HeaderKind = Tuple[str, str, bool]


def model_num_classes(model: nn.Module) -> Optional[int]:
    """The smallest ``num_classes`` of the model's heads (None if none)."""
    counts = [
        module.num_classes for module in model.modules()
        if isinstance(getattr(module, 'num_classes', None), int)
    ]
    return min(counts) if counts else None


def build_loop(build: Callable[[Any], Any], loop: Any, dataloader_cfg: Any,
               name: str) -> Any:
    """``build(loop)``, with mmengine's error on a dataset without a sample
    (numpy's ``need at least one array to concatenate``, raised while the
    dataset is built) replaced by one naming the dataloader and its dataset.

    Args:
        build: a Runner's ``build_*_loop``.
        loop: its argument.
        dataloader_cfg: the config of the loop's dataloader.
        name: the dataloader's config field, for the message.

    Returns:
        The built loop.

    Raises:
        ValueError: the dataset has 0 samples.
    """
    try:
        return build(loop)
    except ValueError as error:
        if EMPTY_DATASET_ERROR not in str(error):
            raise
        described = ', '.join(
            _described(cfg.get('type'), cfg)
            for cfg in dataset_cfgs(dataloader_cfg['dataset'])
            if not {'dataset', 'datasets'} & set(cfg))  # not a wrapper
        raise ValueError(empty_dataset_message(name, described)) from error


def check_dataloader(dataloader, model: nn.Module, name: str) -> None:
    """Raise if ``dataloader``'s dataset is empty, it yields no batch, holds
    a label outside ``[0, num_classes)`` of ``model`` or an image that
    cannot be loaded, or its images load with different channel counts
    (:func:`check_images`).

    Args:
        dataloader: a built ``torch.utils.data.DataLoader``.
        model: the model it feeds.
        name: the dataloader's config field, for the messages.

    Raises:
        ValueError: naming the dataloader and the dataset, sample or sizes.
        UnreadableImageError: naming the dataloader and the file.
    """
    dataset = dataloader.dataset
    if len(dataset) == 0:
        described = ', '.join(
            _described(type(leaf).__name__, vars(leaf))
            for leaf in _leaf_datasets(dataset))
        raise ValueError(empty_dataset_message(name, described))
    if len(dataloader) == 0:
        raise ValueError(
            f'{name} yields no batch: its dataset has {len(dataset)} '
            f'samples and batch_size is {dataloader.batch_size} (drop_last '
            f'drops a last incomplete batch); an epoch would train or test '
            f'nothing. Use a smaller batch_size or drop_last=False.')
    check_labels(dataset, model, name)
    check_images(dataset, name)


def empty_dataset_message(name: str, datasets: str) -> str:
    """The error for a dataloader whose dataset has no sample.

    Args:
        name: the dataloader's config field.
        datasets: the dataset(s) and where they read from.
    """
    return (f'{name}: its dataset has 0 samples ({datasets}). Check '
            f'data_root, data_prefix, ann_file (one line per sample) and '
            f'indices in the config.')


def check_labels(dataset, model: nn.Module, name: str) -> None:
    """Raise if ``dataset`` holds a label outside ``[0, num_classes)`` of
    ``model`` (nothing is checked without integer labels or heads).

    Args:
        dataset: an mmpretrain dataset (``get_gt_labels``).
        model: the model it feeds.
        name: the dataloader's config field, for the message.

    Raises:
        ValueError: naming the first such sample.
    """
    num_classes = model_num_classes(model)
    if num_classes is None or not hasattr(dataset, 'get_gt_labels'):
        return
    labels = np.asarray(dataset.get_gt_labels())
    if labels.ndim != 1 or labels.dtype.kind not in 'iu':
        return
    bad = np.flatnonzero((labels < 0) | (labels >= num_classes))
    if bad.size:
        index = int(bad[0])
        info = dataset.get_data_info(index) if hasattr(
            dataset, 'get_data_info') else {}
        where = info.get('img_path') or info.get('filename')
        where = f' ({where})' if where else ''
        raise ValueError(
            f'{name}: sample {index}{where} has label {labels[index]}, '
            f'outside [0, {num_classes}) of the model ({bad.size} such '
            f'samples). Check the annotations or the heads\' num_classes.')


def check_images(dataset, name: str) -> None:
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

    Cost, measured on 3000 ImageNet-size JPEGs: 50-70 us per file from
    the page cache, ~200 us after evicting them from it (a virtual disk),
    so ImageNet's 1.28 M training files take 1-1.5 min (cached) to ~4 min
    in every process, longer on network storage; plus ~1.3 ms per decoded
    file. There is no switch to skip the scan.

    Args:
        dataset: a built dataset.
        name: the dataloader's config field, for the messages.

    Raises:
        UnreadableImageError: naming the dataloader and the file; a loader
            that skips unreadable files (``ignore_empty=True``) skips it
            here too.
        ValueError: naming a file of each channel count.
    """
    first: Optional[Tuple[int, str]] = None  # channel count, file
    for leaf in _leaf_datasets(dataset):
        load = _file_loader(leaf)
        if load is None or len(leaf) == 0:
            continue
        local = _reads_local_files(load, leaf.get_data_info(0)['img_path'])
        for info in _files_to_decode(leaf, read_headers=local):
            channels = _loaded_channels(load, info, name)
            if channels is None:
                continue
            first = first or (channels, info['img_path'])
            if channels != first[0]:
                raise ValueError(
                    f'{name}: the images load with different channel '
                    f'counts (color_type={load.color_type!r}): {first[1]} '
                    f"has {first[0]}, {info['img_path']} has {channels}; "
                    f'a batch holding both cannot be stacked. Convert the '
                    f"files to one mode, or load them with color_type="
                    f"'color' (3 channels) or 'grayscale' (1).")


def _described(type_name: str, fields: Mapping) -> str:
    """``Type(data_root='...', ...)`` with the source fields that are set."""
    args = ', '.join(f'{key}={fields[key]!r}' for key in SOURCE_FIELDS
                     if fields.get(key) not in (None, '', {}))
    return f'{type_name}({args})'


def _leaf_datasets(dataset) -> Iterator:
    """``dataset``, or the datasets it wraps (ConcatDataset, RepeatDataset,
    ...), recursively."""
    inner = getattr(dataset, 'datasets', None)
    if inner is None and hasattr(dataset, 'dataset'):
        inner = [dataset.dataset]
    if inner is None:
        yield dataset
        return
    for sub in inner:
        yield from _leaf_datasets(sub)


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


def _files_to_decode(dataset, read_headers: bool) -> Iterator[dict]:
    """Data infos of the files of ``dataset`` to decode: the evenly spaced
    sample and, when ``read_headers``, the first file of each header kind
    and every file whose header Pillow cannot read."""
    count = len(dataset)
    sample = set(
        np.linspace(0, count - 1, min(count, DECODED_SAMPLE)).round().astype(
            int).tolist())
    if not read_headers:
        yield from map(dataset.get_data_info, sorted(sample))
        return
    kinds = set()
    for index in range(count):
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
