"""Glyphs: grey 32x32 characters (digits, Latin, Greek, Cyrillic) rendered
from Debian fonts by tools/dataset_converters/prepare_glyphs.py."""
import json
from pathlib import Path
from typing import List

import numpy as np
from mmpretrain.datasets import BaseDataset
from mmpretrain.registry import DATASETS

from .checks.data_roots import DATASET_HINTS

PREPARE = 'python tools/dataset_converters/prepare_glyphs.py'
#: How to get the data, in the error of a missing or incomplete data_root.
HINT = (f'install the fonts (`bash tools/install.sh` does) and run `{PREPARE}`'
        f' (100 classes into data/glyphs100; `--num-classes K --out DIR` for '
        f'another K)')
# the check of the config's data folders (tools/train.py) names it too
DATASET_HINTS.setdefault('Glyphs', HINT)


@DATASETS.register_module()
class Glyphs(BaseDataset):
    """Reads the arrays the prepare script writes, in memory (no image
    files: nothing to decode)::

        data_root/meta.json                  classes, fonts, settings
        data_root/{train,test}_images.npy    (N, 32, 32) uint8
        data_root/{train,test}_labels.npy    (N,) int64 in [0, K)

    Sample i of class k is at ``i * K + k``, so ``indices=N`` (the first N)
    holds every class equally.

    The test split's font families never occur in the training split.
    Samples are ``dict(img=HxW uint8 array, gt_label=int)`` as mmpretrain's
    MNIST gives them; ``PackInputs`` makes a 1xHxW input of them.

    Args:
        data_root: the prepare script's ``--out`` folder.
        split: ``'train'`` or ``'test'``.
        **kwargs: the arguments of mmpretrain's ``BaseDataset`` (pipeline,
            test_mode, indices, ...).
    """
    SPLITS = ('train', 'test')

    def __init__(self, data_root: str, split: str = 'train', **kwargs) -> None:
        if split not in self.SPLITS:
            raise ValueError(f'Glyphs: split must be one of {self.SPLITS}, '
                             f'got {split!r}')
        self.split = split
        super().__init__(ann_file='', data_root=data_root, **kwargs)

    def load_data_list(self) -> List[dict]:
        root = Path(self.data_root)
        files = [
            root / 'meta.json', root / f'{self.split}_images.npy',
            root / f'{self.split}_labels.npy'
        ]
        missing = [path.name for path in files if not path.is_file()]
        if missing:
            raise FileNotFoundError(
                f'Glyphs: {", ".join(missing)} not found in {root}. To get '
                f'the data, {HINT}.')
        meta = json.loads(files[0].read_text(encoding='utf-8'))
        self._metainfo['classes'] = tuple(meta['classes'])
        images = np.load(files[1])
        labels = np.load(files[2])
        if len(images) != len(labels):
            raise ValueError(f'Glyphs: {len(images)} images but '
                             f'{len(labels)} labels in {root} ({self.split})')
        return [
            dict(img=image, gt_label=int(label))
            for image, label in zip(images, labels)
        ]
