"""Backward and step of the networks that learn in an iteration."""
from typing import Dict

from mmengine.optim import OptimWrapperDict
from torch import Tensor


def update_learners(optim_wrapper: OptimWrapperDict,
                    losses: Dict[str, Tensor]) -> None:
    """``update_params`` of each network's own optimizer wrapper, for the
    networks named in ``losses``; the others are paused.

    mmengine's ``OptimWrapperDict`` leaves ``update_params`` to each
    wrapper. A paused network's wrapper is not touched at all: no backward,
    no ``step`` (so no momentum or weight-decay update) and no
    ``zero_grad``, so its parameters and optimizer state stay
    bit-identical. Each network keeps its own wrapper type (``OptimWrapper``,
    ``AmpOptimWrapper``, ...), gradient clipping and accumulation; under
    :class:`PerNetworkDistributedDataParallel` a paused network runs no
    backward and so communicates nothing.

    Args:
        optim_wrapper: one wrapper per network, by name.
        losses: the loss of each network that learns in this iteration.

    Raises:
        KeyError: a loss names a network without a wrapper.
    """
    unknown = set(losses) - set(optim_wrapper.keys())
    if unknown:
        raise KeyError(f'No optimizer wrapper for {sorted(unknown)}; have '
                       f'{sorted(optim_wrapper.keys())}')
    for name, loss in losses.items():
        optim_wrapper[name].update_params(loss)
