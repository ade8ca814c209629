"""Checks that run before a Runner is built, so bad input fails early."""
import os
import os.path as osp
from typing import Iterator, Sequence

from mmengine.config import Config

#: How to obtain each dataset, named in the "missing directory" error.
DATASET_HINTS = {
    'FashionMNIST':
    'run `apt-get install dataset-fashion-mnist` and then '
    '`python tools/dataset_converters/prepare_fashion_mnist.py`',
    'CIFAR10':
    'download the "CIFAR-10 python version" archive and extract '
    'it there (the folder then holds cifar-10-batches-py/)',
    'CIFAR100':
    'download the "CIFAR-100 python version" archive and '
    'extract it there (the folder then holds cifar-100-python/)',
    'ImageNet':
    'prepare ILSVRC2012 as mmpretrain documents it '
    '(train/, val/ and meta/ under the folder)',
    'TinyImageNet':
    'unpack tiny-imagenet-200.zip there (the folder then '
    'holds wnids.txt, train/ and val/)',
}


def dataset_cfgs(dataset: dict) -> Iterator[dict]:
    """The dataset config and those it wraps (RepeatDataset, Concat...)."""
    yield dataset
    inner = dataset.get('datasets', [dataset.get('dataset')])
    for sub in inner:
        if isinstance(sub, dict):
            yield from dataset_cfgs(sub)


def check_data_roots(cfg: Config, loaders: Sequence[str]) -> None:
    """Raise if a dataloader's ``data_root`` directory is missing or empty
    (mmpretrain would advise ``download=True``, which is not offered for
    every dataset and never for ImageNet).

    Args:
        cfg: the full config.
        loaders: dataloader fields to check, e.g. ``('train_dataloader',
            'val_dataloader')``; absent or None fields are skipped.

    Raises:
        FileNotFoundError: naming the loader, the folder and how to get the
            data.
    """
    for loader in loaders:
        loader_cfg = cfg.get(loader)
        if not loader_cfg:
            continue
        for dataset in dataset_cfgs(loader_cfg['dataset']):
            root = dataset.get('data_root')
            if not root or (osp.isdir(root) and os.listdir(root)):
                continue
            state = 'is empty' if osp.isdir(root) else 'does not exist'
            hint = DATASET_HINTS.get(
                dataset.get('type'), 'see the dataset section of the README')
            raise FileNotFoundError(
                f'{loader}: dataset directory {root!r} of '
                f"{dataset.get('type')} {state}. To get the data, {hint}; "
                f'or point data_root elsewhere with --cfg-options.')
