"""Training targets from mmpretrain data samples."""
from typing import List

import torch
import torch.nn.functional as F
from mmpretrain.structures import DataSample
from torch import Tensor


def soft_targets(data_samples: List[DataSample], num_classes: int) -> Tensor:
    """Target probabilities (B, K): soft scores from batch augments (Mixup,
    CutMix) when present, one-hot labels otherwise."""
    if 'gt_score' in data_samples[0]:
        return torch.stack([sample.gt_score for sample in data_samples])
    labels = torch.cat([sample.gt_label for sample in data_samples])
    return F.one_hot(labels, num_classes).float()
