"""Tiny-ImageNet (200 classes, 64x64) in its official folder layout."""
from pathlib import Path
from typing import Dict, List

from mmpretrain.datasets import BaseDataset
from mmpretrain.registry import DATASETS


@DATASETS.register_module()
class TinyImageNet(BaseDataset):
    """Reads ``tiny-imagenet-200`` as distributed, no conversion needed::

        data_root/wnids.txt                  the 200 WordNet ids
        data_root/words.txt                  optional: id -> names
        data_root/train/<wnid>/images/*.JPEG
        data_root/val/images/*.JPEG
        data_root/val/val_annotations.txt    file <tab> wnid <tab> box

    Class indices follow the sorted WordNet ids, so they do not depend on
    file order; class names are the first name in ``words.txt``.

    Args:
        data_root: the ``tiny-imagenet-200`` folder.
        split: ``'train'`` or ``'val'`` (the test split has no labels).
        **kwargs: the arguments of mmpretrain's ``BaseDataset`` (pipeline,
            test_mode, indices, ...).
    """
    SPLITS = ('train', 'val')

    def __init__(self, data_root: str, split: str = 'train', **kwargs) -> None:
        if split not in self.SPLITS:
            raise ValueError(f'TinyImageNet: split must be one of '
                             f'{self.SPLITS}, got {split!r}')
        self.split = split
        super().__init__(ann_file='', data_root=data_root, **kwargs)

    def load_data_list(self) -> List[dict]:
        root = Path(self.data_root)
        wnids_file = root / 'wnids.txt'
        if not wnids_file.is_file():
            raise FileNotFoundError(
                f'TinyImageNet: {wnids_file} not found; data_root must be '
                f'the unpacked tiny-imagenet-200 folder')
        wnids = sorted(line.strip()
                       for line in wnids_file.read_text().splitlines()
                       if line.strip())
        labels = {wnid: index for index, wnid in enumerate(wnids)}
        names = _class_names(root / 'words.txt')
        self._metainfo['classes'] = tuple(names.get(w, w) for w in wnids)
        if self.split == 'train':
            return [
                dict(img_path=str(path), gt_label=labels[wnid])
                for wnid in wnids for path in sorted((root / 'train' / wnid /
                                                      'images').glob('*.JPEG'))
            ]
        annotations = root / 'val' / 'val_annotations.txt'
        if not annotations.is_file():
            raise FileNotFoundError(f'TinyImageNet: {annotations} not found')
        data = []
        for line_number, line in enumerate(
                annotations.read_text().splitlines(), start=1):
            if not line.strip():
                continue
            filename, wnid = line.split('\t')[:2]
            if wnid not in labels:
                raise ValueError(f'{annotations}:{line_number}: unknown '
                                 f'class {wnid!r} (not in wnids.txt)')
            data.append(
                dict(
                    img_path=str(root / 'val' / 'images' / filename),
                    gt_label=labels[wnid]))
        return data


def _class_names(words_file: Path) -> Dict[str, str]:
    """WordNet id -> first name, from words.txt (empty if absent)."""
    if not words_file.is_file():
        return {}
    names = {}
    for line in words_file.read_text().splitlines():
        wnid, _, words = line.partition('\t')
        names[wnid] = words.split(',')[0].strip()
    return names
