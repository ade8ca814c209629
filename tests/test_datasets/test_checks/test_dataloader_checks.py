"""Labels outside the model's classes, empty datasets and epochs,
unreadable images and mixed channel counts stop the run before training."""
import copy
import io
import logging

import numpy as np
import pytest
import torch.nn as nn
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.runner import Runner
from PIL import Image
from torch.utils.data import DataLoader

from switokd_mm.apis import cli
from switokd_mm.datasets import UnreadableImageError
from switokd_mm.datasets.checks import image_checks
from switokd_mm.datasets.checks.dataloader_checks import check_dataloader
from tests.conftest import linear_classifier


class Labelled:
    """A dataset with mmpretrain's label accessors."""

    def __init__(self, labels):
        self.labels = labels

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, index):
        return self.labels[index]

    def get_gt_labels(self):
        return np.array(self.labels)

    def get_data_info(self, index):
        return dict(img_path=f'img_{index}.png', gt_label=self.labels[index])


class Head(nn.Module):
    num_classes = 10


def test_label_outside_classes_names_the_sample():
    loader = DataLoader(Labelled([0, 9, 3, 10, 12]), batch_size=2)
    with pytest.raises(ValueError, match=r'sample 3 \(img_3.png\) has label '
                       r'10, outside \[0, 10\).*2 such'):
        check_dataloader(loader, Head(), 'val_dataloader')
    with pytest.raises(ValueError, match='sample 1'):
        check_dataloader(
            DataLoader(Labelled([1, -1]), batch_size=2), Head(), 'x')


def test_valid_labels_pass():
    check_dataloader(
        DataLoader(Labelled(list(range(10))), batch_size=4), Head(), 'x')


def test_epoch_without_a_batch_is_an_error():
    loader = DataLoader(Labelled([0, 1, 2]), batch_size=4, drop_last=True)
    with pytest.raises(ValueError, match='yields no batch.*3 samples'):
        check_dataloader(loader, Head(), 'train_dataloader')


def write_images(root, modes):
    """8x8 images under ``root``: ``{relative path: Pillow mode}``
    (``'P+t'``: palette with a transparent colour)."""
    pixels = np.arange(8 * 8 * 3, dtype=np.uint8).reshape(8, 8, 3)
    for relative, mode in modes.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        image = Image.fromarray(pixels).convert(mode.removesuffix('+t'))
        image.save(path, **(dict(transparency=0) if mode == 'P+t' else {}))


def truncated_jpeg(path):
    """A JPEG whose header is intact and whose pixel data is cut short."""
    noise = np.random.default_rng(0).integers(0, 255, (32, 32, 3), np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(noise).save(buffer, 'JPEG')
    path.write_bytes(buffer.getvalue()[:len(buffer.getvalue()) * 2 // 3])
    with Image.open(path) as image:
        assert image.mode == 'RGB'  # Pillow reads the header


def loader_cfg(root, ann_file='', serialize_data=True, **load_args):
    """A CustomDataset dataloader over ``root`` (class subfolders)."""
    return dict(
        batch_size=2,
        num_workers=0,
        sampler=dict(type='DefaultSampler', shuffle=False),
        dataset=dict(
            type='CustomDataset',
            data_root=str(root),
            ann_file=ann_file,
            serialize_data=serialize_data,
            pipeline=[
                dict(type='CheckedLoadImageFromFile', **load_args),
                dict(type='PackInputs')
            ]))


def train(tmp_path, dataloader, **extra):
    """tools/train.py's runner (SafeRunner) trained for one epoch."""
    cfg = Config(
        dict(
            model=linear_classifier(2, in_channels=8 * 8 * 3),
            work_dir=str(tmp_path / 'work'),
            experiment_name=tmp_path.name,  # runners of one second differ
            train_dataloader=dataloader,
            train_cfg=dict(by_epoch=True, max_epochs=1),
            optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01)),
            default_scope='mmpretrain',
            **extra))
    cli.build_runner(cfg).train()


def built(dataloader):
    return Runner.build_dataloader(copy.deepcopy(dataloader))


@pytest.mark.parametrize('bad', ['garbage.png', 'truncated.jpg'])
def test_unreadable_image_is_named_before_training(tmp_path, bad):
    root = tmp_path / 'data'
    write_images(root, {f'{c}/{i}.png': 'RGB' for c in 'ab' for i in range(3)})
    path = root / 'b' / bad
    if bad == 'garbage.png':
        path.write_bytes(b'not an image at all')
    else:
        truncated_jpeg(path)
    with pytest.raises(UnreadableImageError,
                       match=f'^train_dataloader: cannot read image {path} '):
        train(tmp_path, loader_cfg(root))


def test_every_header_is_read_beyond_the_decoded_sample(
        tmp_path, monkeypatch):
    root = tmp_path / 'data'
    write_images(root, {f'a/{i}.png': 'RGB' for i in range(5)})
    (root / 'a' / '2_garbage.png').write_bytes(b'\x89PNG but not one')
    monkeypatch.setattr(image_checks, 'DECODED_SAMPLE', 2)  # files 0 and 5
    with pytest.raises(UnreadableImageError, match='2_garbage.png'):
        check_dataloader(built(loader_cfg(root)), Head(), 'val_dataloader')


def test_a_loader_that_skips_unreadable_files_warns_before_training(
        tmp_path):
    root = tmp_path / 'data'
    write_images(root, {'a/0.png': 'RGB', 'b/0.png': 'RGB'})
    (root / 'a' / '1.png').write_bytes(b'')
    warnings = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: warnings.append(record.getMessage())
    MMLogger.get_current_instance().addHandler(handler)
    try:
        check_dataloader(
            built(loader_cfg(root, ignore_empty=True)), Head(),
            'train_dataloader')
    finally:
        MMLogger.get_current_instance().removeHandler(handler)
    (warning, ) = warnings
    assert warning.startswith(
        f"skipping unreadable image {root / 'a' / '1.png'} (")


@pytest.mark.parametrize('modes', [('L', 'RGB'), ('P', 'P+t')])
def test_mixed_channel_counts_name_a_file_of_each(tmp_path, monkeypatch,
                                                  modes):
    """Grey (1 channel) and colour (3); palettes without and with a
    transparent colour (OpenCV: 3 and 4 channels). Loaded in colour, all
    have 3."""
    root = tmp_path / 'data'
    write_images(root, {f'a/{i}.png': modes[0] for i in range(4)})
    write_images(root, {'b/0.png': modes[1]})
    monkeypatch.setattr(image_checks, 'DECODED_SAMPLE', 1)  # a/0.png
    check_dataloader(built(loader_cfg(root)), Head(), 'train_dataloader')
    with pytest.raises(ValueError) as error:
        train(tmp_path, loader_cfg(root, color_type='unchanged'))
    message = str(error.value)
    assert message.startswith('train_dataloader: the images load with '
                              "different channel counts (color_type="
                              "'unchanged')")
    assert f"{root / 'a' / '0.png'} has" in message
    assert f"{root / 'b' / '0.png'} has" in message


@pytest.mark.parametrize('serialize_data', [True, False])
def test_empty_dataset_gets_our_message(tmp_path, serialize_data):
    """An empty annotation file: mmengine fails while serializing the
    dataset (numpy's "need at least one array to concatenate") unless
    serialize_data=False."""
    root = tmp_path / 'data'
    write_images(root, {'a/0.png': 'RGB'})
    (tmp_path / 'empty.txt').write_text('')
    dataloader = loader_cfg(
        root, str(tmp_path / 'empty.txt'), serialize_data=serialize_data)
    with pytest.raises(ValueError) as error:
        train(tmp_path, dataloader)
    assert str(error.value).startswith(
        f"train_dataloader: its dataset has 0 samples (CustomDataset("
        f"data_root='{root}', ")
    assert 'empty.txt' in str(error.value)


def test_ranks_share_the_files_and_raise_what_any_rank_found(
        tmp_path, monkeypatch):
    """On 2 ranks each reads every other file; an unreadable file or
    another channel count found by the other rank is raised on this one
    too (faked collective: this rank's result, then the other's)."""
    root = tmp_path / 'data'
    write_images(root, {f'a/{i}.png': 'RGB' for i in range(6)})
    dataset = built(loader_cfg(root)).dataset
    shares = [[
        info['img_path']
        for info in image_checks._files_to_decode(dataset, True, rank, 2)
    ] for rank in (0, 1)]
    assert not set(shares[0]) & set(shares[1])
    assert set(shares[0]) | set(shares[1]) == {
        str(p)
        for p in root.glob('a/*.png')
    }

    monkeypatch.setattr(image_checks, 'get_dist_info', lambda: (0, 2))
    other = [
        ('error', (UnreadableImageError, 'train_dataloader: cannot read X')),
        ('channels', {1: ('grey.png', 'unchanged')}),
    ]
    for found, error, message in zip(other, (UnreadableImageError,
                                             ValueError),
                                     ('cannot read X', 'grey.png has 1')):
        monkeypatch.setattr(image_checks, 'all_gather_object',
                            lambda mine, found=found: [mine, found])
        with pytest.raises(error, match=message):
            image_checks.check_images(dataset, 'train_dataloader')


def test_the_header_scan_can_be_switched_off(tmp_path, monkeypatch):
    """data_checks = dict(read_all_headers=False): only the decoded sample
    is checked (a garbage file outside it is not found before training);
    an unknown option is an error."""
    root = tmp_path / 'data'
    write_images(root, {f'a/{i}.png': 'RGB' for i in range(5)})
    (root / 'a' / '2_garbage.png').write_bytes(b'\x89PNG but not one')
    monkeypatch.setattr(image_checks, 'DECODED_SAMPLE', 2)  # files 0 and 5
    check_dataloader(
        built(loader_cfg(root)), Head(), 'val_dataloader',
        read_all_headers=False)
    with pytest.raises(ValueError, match='unknown options .*read_al_headers'):
        train(tmp_path, loader_cfg(root),
              data_checks=dict(read_al_headers=False))
