"""Training targets from mmpretrain data samples."""
from typing import List

import torch
from mmpretrain.structures import DataSample
from torch import Tensor


def soft_targets(data_samples: List[DataSample], num_classes: int) -> Tensor:
    """Target probabilities (B, K): soft scores from batch augments (Mixup,
    CutMix) when present, one-hot labels otherwise."""
    if 'gt_score' in data_samples[0]:
        return torch.stack([sample.gt_score for sample in data_samples])
    labels = torch.cat([sample.gt_label for sample in data_samples])
    # scatter, not F.one_hot: one_hot reads the labels' range on the host
    # (a device synchronisation); labels are range-checked by the data
    # checks before training.
    one_hot = torch.zeros(len(labels), num_classes, device=labels.device)
    return one_hot.scatter_(1, labels.view(-1, 1), 1.0)
