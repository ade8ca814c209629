"""KDCL's MinLogit ensemble (Guo et al., CVPR 2020)."""
from typing import Sequence

import torch
from torch import Tensor


def min_logit_ensemble(logits: Sequence[Tensor], labels: Tensor) -> Tensor:
    """Ensemble target logits: ``z_m(k) = min_i (z_i(k) - z_i(y))``.

    Each network's logits are shifted so that its true-class logit is 0;
    the class-wise minimum over networks is the ensemble with the largest
    margin for the true class over every other class.

    Args:
        logits: one (B, K) tensor per network.
        labels: true class indices, shape (B,).

    Returns:
        Tensor: the ensemble logits (B, K), detached.
    """
    index = labels.view(-1, 1)
    shifted = [z.detach() - z.detach().gather(1, index) for z in logits]
    return torch.stack(shifted).min(dim=0).values
