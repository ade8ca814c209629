"""CheckedLoadImageFromFile: an unreadable image is named, in the main
process, or skipped on request."""
import logging

import cv2
import numpy as np
import pytest
import torch
from mmengine.dataset import pseudo_collate
from mmengine.logging import MMLogger
from mmpretrain.registry import DATASETS, TRANSFORMS

from switokd_mm.datasets import UnreadableImageError

BAD_FILES = {
    'empty.jpg': b'',
    'garbage.jpg': b'this is not an image',
    'truncated.jpg': None,  # the first third of a real JPEG
}


def write_bad(path, content):
    if content is None:
        ok, encoded = cv2.imencode('.jpg', np.full((32, 32, 3), 7, np.uint8))
        content = encoded.tobytes()[:len(encoded) // 3]
    path.write_bytes(content)


@pytest.mark.parametrize('name', [*BAD_FILES, 'missing.jpg'])
def test_unreadable_file_is_named(tmp_path, name):
    path = tmp_path / name
    if name in BAD_FILES:
        write_bad(path, BAD_FILES[name])
    load = TRANSFORMS.build(dict(type='CheckedLoadImageFromFile'))
    with pytest.raises(UnreadableImageError, match=str(path)):
        load(dict(img_path=str(path)))


def test_readable_file_loads(tmp_path):
    path = tmp_path / 'ok.png'
    cv2.imwrite(str(path), np.full((8, 6, 3), 9, np.uint8))
    loaded = TRANSFORMS.build(dict(type='CheckedLoadImageFromFile'))(
        dict(img_path=str(path)))
    assert loaded['img'].shape == (8, 6, 3) and loaded['img'].max() == 9


@pytest.fixture
def folder_with_a_bad_image(tmp_path):
    """A CustomDataset folder: class a with 3 good images and one empty
    file, class b with 4 good images."""
    for cls, count in (('a', 3), ('b', 4)):
        (tmp_path / cls).mkdir()
        for i in range(count):
            cv2.imwrite(
                str(tmp_path / cls / f'{i}.png'),
                np.full((8, 8, 3), i, np.uint8))
    bad = tmp_path / 'a' / 'broken.png'
    bad.write_bytes(b'')
    return tmp_path, bad


def dataset(root, **load_args):
    return DATASETS.build(
        dict(
            type='CustomDataset',
            data_root=str(root),
            pipeline=[
                dict(type='CheckedLoadImageFromFile', **load_args),
                dict(type='PackInputs')
            ]))


def test_worker_error_reaches_the_main_process_naming_the_file(
        folder_with_a_bad_image):
    root, bad = folder_with_a_bad_image
    loader = torch.utils.data.DataLoader(
        dataset(root), batch_size=2, num_workers=2, collate_fn=pseudo_collate)
    with pytest.raises(UnreadableImageError, match=str(bad)):
        for _ in loader:
            pass


def test_ignore_empty_skips_the_file_in_training(folder_with_a_bad_image):
    root, bad = folder_with_a_bad_image
    warnings = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: warnings.append(record.getMessage())
    MMLogger.get_current_instance().addHandler(handler)
    train_set = dataset(root, ignore_empty=True)
    paths = [
        train_set.get_data_info(i)['img_path'] for i in range(len(train_set))
    ]
    index = paths.index(str(bad))
    try:
        item = train_set[index]  # another, readable sample in its place
    finally:
        MMLogger.get_current_instance().removeHandler(handler)
    assert item['data_samples'].img_path != str(bad)
    assert any(f'skipping unreadable image {bad}' in w for w in warnings)
