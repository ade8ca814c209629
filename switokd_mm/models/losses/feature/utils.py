"""What the feature distillation losses share: the per-sample weight, the
sample selection of the relational losses, and the shape checks."""
from typing import Callable, Optional, Tuple

import torch.nn.functional as F
from torch import Tensor


def weighted_batch_mean(per_sample: Tensor,
                        weight: Optional[Tensor] = None) -> Tensor:
    """Mean over the batch of ``per_sample * weight`` (``weight`` None: 1).

    With a 0/1 ``weight`` selecting n of B samples this is ``n / B`` times
    the mean over the selected samples.

    Args:
        per_sample: ``(B,)`` losses.
        weight: ``(B,)`` sample weights.
    """
    if weight is not None:
        per_sample = per_sample * weight.to(per_sample.dtype)
    return per_sample.mean()


def selected_relational(loss: Callable[[Tensor, Tensor], Tensor],
                        learner: Tensor,
                        source: Tensor,
                        weight: Optional[Tensor] = None) -> Tensor:
    """A relational loss (one value for a batch) on the selected samples.

    A relation between samples does not split into per-sample terms, so a
    0/1 ``weight`` selects the samples the relation is computed on, and the
    result is ``n / B * loss(learner[selected], source[selected])``: the
    same scale as :func:`weighted_batch_mean` for a per-sample loss. Fewer
    than two selected samples relate nothing: the result is 0 (and no
    gradient reaches the learner).

    Args:
        loss: the relational loss of a batch.
        learner: ``(B, ...)`` the learner's features.
        source: ``(B, ...)`` the features it learns from.
        weight: ``(B,)`` 0/1 sample selection (None: every sample).

    Raises:
        ValueError: ``weight`` holds a value other than 0 and 1.
    """
    if weight is None:
        return loss(learner, source)
    if not ((weight == 0) | (weight == 1)).all():
        raise ValueError('a relational distillation loss selects samples: '
                         'its weight must be 0 or 1 per sample')
    keep = weight.bool()
    count = int(keep.sum())
    if count < 2:
        return (learner * 0).sum()
    return count / len(weight) * loss(learner[keep], source[keep])


def check_shapes(name: str, learner: Tensor, source: Tensor, dims: slice,
                 ndim: int = 4) -> None:
    """Both features have ``ndim`` dimensions and agree in ``dims``.

    Raises:
        ValueError: naming the loss and both shapes.
    """
    if (learner.dim() != ndim or source.dim() != ndim
            or learner.shape[dims] != source.shape[dims]
            or len(learner) != len(source)):
        layout = '(B, C, H, W)' if ndim == 4 else '(B, D)'
        raise ValueError(
            f"{name}: the learner's and the source's features must be "
            f'{layout} and agree in {dims}; got {tuple(learner.shape)} and '
            f"{tuple(source.shape)} (a connector maps the learner's features "
            f"to the source's)")


def flattened_pair(name: str, learner: Tensor,
                   source: Tensor) -> Tuple[Tensor, Tensor]:
    """Both features flattened per sample to ``(B, N)`` (the sizes may
    differ), for the losses that compare samples as vectors.

    Raises:
        ValueError: a feature without a batch and a feature dimension, or
            batches of different sizes.
    """
    if learner.dim() < 2 or source.dim() < 2:
        raise ValueError(
            f"{name}: the learner's and the source's features must be "
            f'(B, D) or (B, ...) to flatten; got {tuple(learner.shape)} and '
            f'{tuple(source.shape)}')
    learner, source = learner.flatten(1), source.flatten(1)
    check_shapes(name, learner, source, slice(0, 1), ndim=2)
    return learner, source


def l2_normalized(features: Tensor) -> Tensor:
    """Each sample's flattened features with unit L2 norm, ``(B, N)``."""
    return F.normalize(features.flatten(1), dim=1)
