"""FFSD's attention maps, distances and attention shift (Li et al., IEEE
TNNLS 2022), as the released code computes them; small pure functions."""
import math

import torch.nn.functional as F
from torch import Tensor


def attention(features: Tensor) -> Tensor:
    """``A(F)``: the channel mean of ``F^2``, ``(B, 1, H, W)``."""
    return features.pow(2).mean(1, keepdim=True)


def unit_rows(x: Tensor) -> Tensor:
    """``N(X)``: each sample flattened and divided by its L2 norm,
    ``(B, D)``."""
    return F.normalize(x.flatten(1), dim=1)


def distance(x: Tensor, y: Tensor) -> Tensor:
    """``d(X, Y)``: the mean over all ``B x D`` entries of
    ``(N(X) - N(Y))^2``."""
    return (unit_rows(x) - unit_rows(y)).pow(2).mean()


def shift_target(attention_map: Tensor) -> Tensor:
    """The attention shift sigma of a map ``a`` (``(B, 1, H, W)``), per
    sample flattened, ``(B, H*W)``: with ``nu = ||a||_2`` (unnormalised),
    ``a^ = N(a)`` and ``tau`` the k-th smallest entry of ``a^``
    (``k = floor(HW / 3)``), ``sigma_j = (nu / 2 - a^_j) sign(a^_j - tau) +
    nu / 2``: ``nu - a^_j`` above tau, ``a^_j`` below, ``nu / 2`` at tau.
    The next student is pushed towards the positions the previous one
    attends to least."""
    flat = attention_map.flatten(1)
    norm = flat.norm(dim=1, keepdim=True)
    unit = F.normalize(flat, dim=1)
    k = max(1, math.floor(flat.shape[1] / 3))
    threshold = unit.kthvalue(k, dim=1, keepdim=True).values
    return (norm / 2 - unit) * (unit - threshold).sign() + norm / 2


def shifted_features(features: Tensor) -> Tensor:
    """``Phi(F) = F + (sigma - a^) * nu / C``, the shift of the attention
    added to every channel: the input of a student's decoder, from the
    previous student's last features."""
    a = attention(features)
    flat = a.flatten(1)
    norm = flat.norm(dim=1, keepdim=True)
    shift = (shift_target(a) - F.normalize(flat, dim=1)) * norm
    return features + (shift / features.shape[1]).view_as(a)


def diversity(attention_map: Tensor, previous: Tensor) -> Tensor:
    """``L_div = mean((N(a) - sigma(a_prev))^2)``: a student's attention
    against the shifted attention of the previous student (detached)."""
    return (unit_rows(attention_map) -
            shift_target(previous.detach())).pow(2).mean()


def warmup_factor(epoch: int, length: int = 5) -> float:
    """The released warm-up of the loss weights at 1-based ``epoch``:
    ``exp(-5 (1 - e / length)^2)`` up to ``length``, then 1."""
    if epoch < 1:
        raise ValueError(f'the warm-up counts epochs from 1; got {epoch}')
    if epoch > length:
        return 1.0
    return math.exp(-5 * (1 - epoch / length)**2)
