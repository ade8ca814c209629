"""TinyImageNet reads a generated tree in the official layout."""
import cv2
import numpy as np
import pytest
from mmpretrain.registry import DATASETS

WNIDS = ['n02', 'n01', 'n03']  # deliberately unsorted in wnids.txt


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / 'tiny-imagenet-200'
    (root / 'val' / 'images').mkdir(parents=True)
    (root / 'wnids.txt').write_text('\n'.join(WNIDS) + '\n')
    (root / 'words.txt').write_text(
        'n01\tgoldfish, Carassius auratus\nn02\ttabby, tabby cat\n'
        'n03\tlemon\nn99\tunused\n')
    for wnid in WNIDS:
        images = root / 'train' / wnid / 'images'
        images.mkdir(parents=True)
        for i in range(2):
            value = int(wnid[1:]) * 10 + i
            cv2.imwrite(
                str(images / f'{wnid}_{i}.JPEG'),
                np.full((64, 64, 3), value, np.uint8))
    lines = []
    for i, wnid in enumerate(['n03', 'n01', 'n03']):
        cv2.imwrite(
            str(root / 'val' / 'images' / f'val_{i}.JPEG'),
            np.zeros((64, 64, 3), np.uint8))
        lines.append(f'val_{i}.JPEG\t{wnid}\t0\t0\t63\t63')
    (root / 'val' / 'val_annotations.txt').write_text('\n'.join(lines))
    return root


def build(root, split, **kwargs):
    return DATASETS.build(
        dict(type='TinyImageNet', data_root=str(root), split=split, **kwargs))


def test_train_split(tree):
    dataset = build(tree, 'train', pipeline=[dict(type='LoadImageFromFile')])
    assert dataset.metainfo['classes'] == ('goldfish', 'tabby', 'lemon')
    assert len(dataset) == 6
    labels = [dataset.get_data_info(i)['gt_label'] for i in range(6)]
    paths = [dataset.get_data_info(i)['img_path'] for i in range(6)]
    for label, path in zip(labels, paths):
        assert f'/n0{label + 1}/images/' in path  # sorted ids: n01 -> 0
    item = dataset[0]
    assert item['img'].shape == (64, 64, 3) and item['img'][0, 0, 0] == 10


def test_val_split_uses_the_annotation_file(tree):
    dataset = build(tree, 'val', test_mode=True)
    assert [dataset.get_data_info(i)['gt_label']
            for i in range(3)] == [2, 0, 2]
    assert dataset.get_data_info(1)['img_path'].endswith(
        'val/images/val_1.JPEG')


def test_errors(tree, tmp_path):
    with pytest.raises(ValueError, match='split'):
        build(tree, 'test')
    with pytest.raises(FileNotFoundError, match='wnids.txt'):
        build(tmp_path, 'train')
    (tree / 'val' / 'val_annotations.txt').write_text('val_0.JPEG\tn77\t0')
    with pytest.raises(ValueError, match="unknown class 'n77'"):
        build(tree, 'val')
