"""Checks of a model's settings and of the values a training step produces;
each failure names what is wrong (and, during training, the iteration)."""
import math
from typing import Dict, Sequence

import torch
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapperDict
from torch import Tensor


def check_hyper_parameters(owner: str, **values: float) -> None:
    """Temperatures (``*tau``) must be > 0, weights >= 0, all finite.

    Args:
        owner: the model's name, for the message.
        **values: the hyper-parameters by name.
    """

    def valid(name: str, value: float) -> bool:
        lower_ok = value > 0 if name.endswith('tau') else value >= 0
        return math.isfinite(value) and lower_ok

    bad = {
        name: value
        for name, value in values.items() if not valid(name, value)
    }
    if bad:
        raise ValueError(f'{owner}: temperatures must be > 0 and weights '
                         f'>= 0, all finite; got {bad}')


def check_optim_wrapper(optim_wrapper, names: Sequence[str],
                        owner: str) -> None:
    """Require one optimizer wrapper per network in ``names``."""
    if not isinstance(optim_wrapper, OptimWrapperDict):
        raise TypeError(
            f'{owner} needs one optimizer per network: set optim_wrapper = '
            "dict(constructor='PerNetworkOptimWrapperConstructor', "
            'student=dict(optimizer=...), ...); got '
            f'{type(optim_wrapper).__name__}')
    missing = set(names) - set(optim_wrapper.keys())
    if missing:
        raise KeyError(f'{owner}: optim_wrapper has no entry for '
                       f'{sorted(missing)}')


def raise_non_finite(what: str) -> None:
    """Stop the run, naming the value and the iteration."""
    iteration = MessageHub.get_current_instance().get_info('iter')
    where = '' if iteration is None else f' at iteration {iteration + 1}'
    raise FloatingPointError(
        f'{what} is not finite{where}; the run stops rather than take a '
        f'decision on NaN/Inf. Lower the learning rate, check the data, or '
        f'disable mixed precision.')


def check_finite(values: Dict[str, Tensor], what: str) -> None:
    """:func:`raise_non_finite` for the named values that are not finite."""
    bad = [
        name for name, value in values.items()
        if not torch.isfinite(value).all()
    ]
    if bad:
        raise_non_finite(f"{what} ({', '.join(bad)})")
