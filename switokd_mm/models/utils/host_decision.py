"""Bring one iteration's decision to the host in a single transfer."""
import math
from typing import List, NamedTuple, Optional

import torch
from torch import Tensor

from .checks import raise_non_finite


class HostDecision(NamedTuple):
    """The decision as Python values.

    Attributes:
        stats: G, ds, dt of each pair.
        deltas: each pair's threshold.
        triggered: whether each pair is in expert mode.
        diagnostics: each pair's gate margin and the two parts of its
            excess (empty when none were given).
    """
    stats: List[List[float]]
    deltas: List[float]
    triggered: List[bool]
    diagnostics: List[List[float]]


def read_decision(stats: Tensor,
                  deltas: Tensor,
                  decided: Tensor,
                  logits_finite: Tensor,
                  owner: str,
                  diagnostics: Optional[Tensor] = None) -> HostDecision:
    """Read the decision with one device-to-host copy (the iteration's only
    synchronisation), stopping the run on non-finite values.

    Finite logits give finite statistics and losses (CE and KL of finite
    logits), so checking them here stops the run before any decision or
    update on NaN/Inf.

    Args:
        stats: (pairs, 3) G, ds, dt.
        deltas: (pairs, ) thresholds.
        decided: (pairs, ) bool, expert mode.
        logits_finite: (networks, ) bool, whether each network's logits are
            all finite.
        owner: the model's name, for the error.
        diagnostics: (pairs, D) values read along, not checked (a margin
            may be infinite).

    Returns:
        HostDecision: the values as Python floats and bools.
    """
    n = len(deltas)
    extra = diagnostics if diagnostics is not None else stats.new_zeros(n, 0)
    host = torch.cat([
        stats.flatten(), deltas,
        decided.float(),
        logits_finite.float(),
        extra.flatten()
    ]).tolist()
    checked, diagnosed = host[:len(host) - extra.numel()], host[
        len(host) - extra.numel():]
    if not all(checked[5 * n:]) or not all(
            map(math.isfinite, checked[:3 * n])):
        raise_non_finite(f'{owner}: the logits or the switching statistics '
                         f'(G, ds, dt)')
    if any(map(math.isnan, host[3 * n:4 * n])):
        raise_non_finite(f'{owner}: the switching threshold delta')
    return HostDecision(
        stats=[host[3 * i:3 * i + 3] for i in range(n)],
        deltas=host[3 * n:4 * n],
        triggered=[flag == 1.0 for flag in host[4 * n:5 * n]],
        diagnostics=[
            diagnosed[i * extra.size(1):(i + 1) * extra.size(1)]
            for i in range(n)
        ] if extra.numel() else [])
