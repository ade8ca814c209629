"""The table of stage splitters, keyed by backbone class.

A stage splitter reads a backbone's layout and returns its
:class:`BackboneStages`: the modules of each stage, in the order its
forward runs them. Register one for a backbone class with
:func:`register_stage_splitter`; :func:`find_stage_splitter` looks a
backbone up by its class, then by its base classes, provided the backbone
keeps the forward of the registered class (a subclass that rewrites the
forward may run its modules differently).
"""
from typing import Callable, Dict, List, NamedTuple, Sequence, Tuple

import torch.nn as nn


class Stage(NamedTuple):
    """One stage of a backbone.

    Attributes:
        path: the module of the backbone whose forward output is the
            stage's output (where the backbone's ``out_indices`` and a
            forward hook read it), e.g. ``'layer1'``, ``'stages.0'``.
        modules: the modules that run from the previous stage's output to
            this one's (the first stage's include the stem).
    """
    path: str
    modules: Tuple[nn.Module, ...]


class BackboneStages(NamedTuple):
    """A backbone's forward as stages.

    Attributes:
        stages: the stages in order; composed, they run the backbone up to
            the output its classifier's head reads.
        tail: modules between the last stage and the neck (MobileNetV2's
            last 1x1 convolution), which belong to the pooled feature.
    """
    stages: Tuple[Stage, ...]
    tail: Tuple[nn.Module, ...] = ()


StageSplitter = Callable[[nn.Module], BackboneStages]

_SPLITTERS: Dict[type, StageSplitter] = {}


def register_stage_splitter(
        *backbone_types: type) -> Callable[[StageSplitter], StageSplitter]:
    """Decorator: register a splitter for these backbone classes."""

    def register(splitter: StageSplitter) -> StageSplitter:
        for backbone_type in backbone_types:
            if backbone_type in _SPLITTERS:
                raise KeyError(f'a stage splitter for '
                               f'{backbone_type.__name__} is already '
                               f'registered')
            _SPLITTERS[backbone_type] = splitter
        return splitter

    return register


def supported_backbones() -> List[str]:
    """The names of the backbone classes with a registered splitter."""
    return sorted(t.__name__ for t in _SPLITTERS)


def find_stage_splitter(backbone: nn.Module) -> StageSplitter:
    """The splitter of a backbone's class, or of the nearest base class
    whose forward the backbone keeps.

    Raises:
        TypeError: no registered class fits the backbone.
    """
    backbone_type = type(backbone)
    for base in backbone_type.__mro__:
        if base in _SPLITTERS:
            if backbone_type.forward is not base.forward:
                raise TypeError(
                    f'stage-wise execution: {backbone_type.__name__} derives '
                    f'from {base.__name__} but overrides its forward; '
                    f'register a stage splitter for it (supported: '
                    f'{", ".join(supported_backbones())})')
            return _SPLITTERS[base]
    raise TypeError(f'stage-wise execution does not support the backbone '
                    f'{backbone_type.__name__}; supported backbones (and '
                    f'their subclasses that keep their forward): '
                    f'{", ".join(supported_backbones())}')


def last_output_index(out_indices: Sequence[int], num_outputs: int) -> int:
    """The index of the last output a backbone whose forward returns the
    outputs ``i in out_indices`` for ``i in range(num_outputs)`` returns:
    the one mmpretrain's heads read."""
    indices = [i for i in range(num_outputs) if i in out_indices]
    if not indices:
        raise ValueError(f'stage-wise execution: out_indices {out_indices} '
                         f'select none of the {num_outputs} outputs')
    return indices[-1]


def require_last_output(backbone: nn.Module, num_outputs: int,
                        expected: Sequence[int]) -> int:
    """Check that the head of a backbone's classifier reads one of the
    ``expected`` outputs (the last stage's); return the index it reads.

    Raises:
        ValueError: ``out_indices`` end elsewhere: the stages would not
            compose to the classifier's forward.
    """
    last = last_output_index(backbone.out_indices, num_outputs)
    if last not in expected:
        raise ValueError(
            f'stage-wise execution of {type(backbone).__name__}: its '
            f'classifier must read the last stage (out_indices ending in '
            f'{" or ".join(map(str, expected))}), but out_indices='
            f'{tuple(backbone.out_indices)} end in {last}')
    return last
