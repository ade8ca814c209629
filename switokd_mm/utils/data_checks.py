"""Checks of a built dataloader that would otherwise give silent nonsense."""
from typing import Optional

import numpy as np
import torch.nn as nn


def model_num_classes(model: nn.Module) -> Optional[int]:
    """The smallest ``num_classes`` of the model's heads (None if none)."""
    counts = [
        module.num_classes for module in model.modules()
        if isinstance(getattr(module, 'num_classes', None), int)
    ]
    return min(counts) if counts else None


def check_dataloader(dataloader, model: nn.Module, name: str) -> None:
    """Raise if ``dataloader`` yields no batch or holds a label outside
    ``[0, num_classes)`` of ``model``.

    Args:
        dataloader: a built ``torch.utils.data.DataLoader``.
        model: the model it feeds.
        name: the dataloader's config field, for the messages.

    Raises:
        ValueError: naming the dataloader and the sample or sizes.
    """
    dataset = dataloader.dataset
    if len(dataloader) == 0:
        raise ValueError(
            f'{name} yields no batch: its dataset has {len(dataset)} '
            f'samples and batch_size is {dataloader.batch_size} (drop_last '
            f'drops a last incomplete batch); an epoch would train or test '
            f'nothing. Use a smaller batch_size or drop_last=False.')
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
