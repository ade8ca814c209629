"""Checks of a dataloader that would otherwise give silent nonsense or stop
the run in the middle of training."""
from typing import Any, Callable, Mapping, Optional

import numpy as np
import torch.nn as nn

from .data_roots import dataset_cfgs
from .image_checks import check_images, leaf_datasets

#: numpy's error when mmengine serializes a dataset without a sample.
EMPTY_DATASET_ERROR = 'need at least one array to concatenate'

#: Dataset arguments that decide which samples a dataset finds.
SOURCE_FIELDS = ('data_root', 'data_prefix', 'ann_file', 'split', 'indices')


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


def check_dataloader(dataloader,
                     model: nn.Module,
                     name: str,
                     read_all_headers: bool = True) -> None:
    """Raise if ``dataloader``'s dataset is empty, it yields no batch, holds
    a label outside ``[0, num_classes)`` of ``model`` or an image that
    cannot be loaded, or its images load with different channel counts
    (:func:`check_images`).

    Args:
        dataloader: a built ``torch.utils.data.DataLoader``.
        model: the model it feeds.
        name: the dataloader's config field, for the messages.
        read_all_headers: see :func:`check_images`.

    Raises:
        ValueError: naming the dataloader and the dataset, sample or sizes.
        UnreadableImageError: naming the dataloader and the file.
    """
    dataset = dataloader.dataset
    if len(dataset) == 0:
        described = ', '.join(
            _described(type(leaf).__name__, vars(leaf))
            for leaf in leaf_datasets(dataset))
        raise ValueError(empty_dataset_message(name, described))
    if len(dataloader) == 0:
        raise ValueError(
            f'{name} yields no batch: its dataset has {len(dataset)} '
            f'samples and batch_size is {dataloader.batch_size} (drop_last '
            f'drops a last incomplete batch); an epoch would train or test '
            f'nothing. Use a smaller batch_size or drop_last=False.')
    check_labels(dataset, model, name)
    check_images(dataset, name, read_all_headers)


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


def _described(type_name: str, fields: Mapping) -> str:
    """``Type(data_root='...', ...)`` with the source fields that are set."""
    args = ', '.join(f'{key}={fields[key]!r}' for key in SOURCE_FIELDS
                     if fields.get(key) not in (None, '', {}))
    return f'{type_name}({args})'
