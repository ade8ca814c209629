"""Missing data is reported before training starts, with a way to get it."""
import pytest
from mmengine.config import Config

from switokd_mm.datasets import check_data_roots


def cfg_with_root(root, dataset_type='FashionMNIST', wrapped=False):
    dataset = dict(type=dataset_type, data_root=str(root))
    if wrapped:
        dataset = dict(type='RepeatDataset', times=2, dataset=dataset)
    return Config(
        dict(train_dataloader=dict(dataset=dataset), val_dataloader=None))


def test_missing_root_names_loader_and_hint(tmp_path):
    with pytest.raises(FileNotFoundError) as error:
        check_data_roots(
            cfg_with_root(tmp_path / 'nope'),
            ('train_dataloader', 'val_dataloader'))
    message = str(error.value)
    assert 'train_dataloader' in message and 'nope' in message
    assert 'apt-get install dataset-fashion-mnist' in message


def test_wrapped_dataset_is_checked(tmp_path):
    with pytest.raises(FileNotFoundError, match='CIFAR-100'):
        check_data_roots(
            cfg_with_root(tmp_path / 'c', 'CIFAR100', True),
            ('train_dataloader', ))


def test_empty_root_gets_our_advice_not_download(tmp_path):
    with pytest.raises(FileNotFoundError, match='is empty') as error:
        check_data_roots(cfg_with_root(tmp_path), ('train_dataloader', ))
    assert 'dataset-fashion-mnist' in str(error.value)


def test_existing_root_passes(tmp_path):
    (tmp_path / 'train-images-idx3-ubyte').write_bytes(b'')
    check_data_roots(
        cfg_with_root(tmp_path), ('train_dataloader', 'val_dataloader'))
