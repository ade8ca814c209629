"""One segment of a classifier's forward, run on the network's own modules."""
from typing import Callable, Iterator, Optional, Sequence

import torch.nn as nn
from torch import Tensor

#: the kinds of segment, in the order they follow each other
KINDS = ('stage', 'pooled', 'logits')


class Segment:
    """A consecutive piece of a network's forward: its steps in order.

    The steps are the network's own modules (or thin callables around
    them), not copies: running a segment trains the network's parameters
    and updates its BN statistics, and follows the network's ``train`` /
    ``eval`` mode (``frozen_stages``, ``norm_eval``). A segment is no
    ``nn.Module``, so that holding one adds no second name for the
    network's parameters to a ``state_dict``.

    Args:
        name: the feature the segment ends with: ``'f1'`` ... (stage
            outputs), ``'f{n + 1}'`` (the pooled vector), ``'logits'``.
        kind: ``'stage'``, ``'pooled'`` or ``'logits'``.
        path: the module of the classifier whose forward output is the
            segment's output (the last element when that output is a tuple,
            as the neck's is): where a forward hook records the same
            feature.
        modules: the network's modules the segment runs, in order.
        steps: what the segment calls in order (default: ``modules``),
            for modules that need their input wrapped (the neck and the
            head take a tuple of features).
    """

    def __init__(self,
                 name: str,
                 kind: str,
                 path: str,
                 modules: Sequence[nn.Module],
                 steps: Optional[Sequence[Callable[[Tensor],
                                                   Tensor]]] = None) -> None:
        if kind not in KINDS:
            raise ValueError(f'Segment: kind must be one of {KINDS}, got '
                             f'{kind!r}')
        self.name = name
        self.kind = kind
        self.path = path
        self.modules = tuple(modules)
        self.steps = tuple(self.modules if steps is None else steps)

    def __call__(self, x: Tensor) -> Tensor:
        for step in self.steps:
            x = step(x)
        return x

    def parameters(self) -> Iterator[nn.Parameter]:
        """The parameters of the segment's modules (each once): the
        network's own."""
        seen = set()
        for module in self.modules:
            for param in module.parameters():
                if id(param) not in seen:
                    seen.add(id(param))
                    yield param

    def __repr__(self) -> str:
        names = ', '.join(type(m).__name__ for m in self.modules)
        return (f'Segment({self.name!r}, kind={self.kind!r}, '
                f'path={self.path!r}, modules=[{names}])')


class LastOfTuple:
    """Call a module that maps a tuple of features to a tuple (mmpretrain's
    necks) on one feature; return the last output."""

    def __init__(self, module: nn.Module) -> None:
        self.module = module

    def __call__(self, x: Tensor) -> Tensor:
        return self.module((x, ))[-1]


class OnTuple:
    """Call a module that takes a tuple of features (mmpretrain's heads,
    which read its last element) on one feature."""

    def __init__(self, module: nn.Module) -> None:
        self.module = module

    def __call__(self, x: Tensor) -> Tensor:
        return self.module((x, ))
