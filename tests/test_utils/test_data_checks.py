"""Labels outside the model's classes and empty epochs stop the run."""
import numpy as np
import pytest
import torch.nn as nn
from torch.utils.data import DataLoader

from switokd_mm.utils.data_checks import check_dataloader


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
