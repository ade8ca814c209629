"""Checks that a checkpoint fits the model and run that load it.

mmengine loads weights with ``strict=False`` and only logs what did not
match, so a checkpoint of another model loads nothing and the run goes on
with random weights. These checks turn that into errors that name the file
and what was expected.
"""
import re
from typing import Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.config import Config
from mmengine.model import BaseModel
from mmengine.runner.checkpoint import _load_checkpoint

from .literal_config import UnsafeConfigError, parse_literal_config

RUN_FACTS = ('world_size', 'batch_size', 'dataset_length', 'iters_per_epoch')


def _networks(model: nn.Module) -> Dict[str, nn.Module]:
    """The model's networks: its child models (``student``, ``teacher``,
    ...), or the model itself when it is a single classifier."""
    children = {
        name: child
        for name, child in model.named_children()
        if isinstance(child, BaseModel)
    }
    return children or {'': model}


def revised_keys(state_dict: dict,
                 revise_keys: Sequence[Tuple[str, str]]) -> Dict[str, object]:
    """``state_dict`` with mmengine's ``revise_keys`` applied to its keys."""
    revised = {}
    for key, value in state_dict.items():
        for pattern, replacement in revise_keys:
            key = re.sub(pattern, replacement, key)
        revised[key] = value
    return revised


def _examples(keys: Sequence[str], count: int = 3) -> str:
    keys = sorted(keys)
    more = f' and {len(keys) - count} more' if len(keys) > count else ''
    return ', '.join(repr(k) for k in keys[:count]) + more


def _finite(value: object) -> bool:
    """False for a floating-point tensor holding NaN or infinity."""
    return not (isinstance(value, torch.Tensor) and value.is_floating_point()
                and not torch.isfinite(value).all())


def check_weights_fit(model: nn.Module,
                      state_dict: dict,
                      source: str,
                      exact: bool = False) -> None:
    """Raise unless ``state_dict`` gives finite weights to every network
    of ``model`` (and, with ``exact``, to every parameter, in its shape).

    Args:
        model: the model that loads the weights.
        state_dict: the checkpoint's weights (keys as the model's).
        source: the checkpoint's name, for the messages.
        exact: also refuse missing, unexpected and reshaped entries (a
            resumed run must be the same architecture).

    Raises:
        RuntimeError: naming the file, the networks or keys expected and
            what the file holds instead.
    """
    expected = model.state_dict()
    matched = set(expected) & set(state_dict)
    if not matched:
        raise RuntimeError(
            f'{source} holds none of the weights the model expects (the '
            f'model has e.g. {_examples(list(expected))}; the file has e.g. '
            f'{_examples(list(state_dict))}). A network exported by '
            f'export_student.py is tested with the config exported beside '
            f'it; a training checkpoint of another model does not fit.')
    for name, network in _networks(model).items():
        prefix = f'{name}.' if name else ''
        if not any(key.startswith(prefix) for key in matched):
            raise RuntimeError(
                f'{source} holds no weights of the network {name!r} '
                f'(expected keys {prefix}*)')
    nonfinite = [key for key in matched if not _finite(state_dict[key])]
    if nonfinite:
        raise RuntimeError(
            f'{source} holds non-finite (NaN or infinite) values in '
            f'{len(nonfinite)} of the weights the model loads: '
            f'{_examples(nonfinite)}. The run that wrote it diverged; use '
            f'an earlier checkpoint.')
    if not exact:
        return
    missing = set(expected) - set(state_dict)
    unexpected = set(state_dict) - set(expected)
    reshaped = [
        f'{k}: {tuple(state_dict[k].shape)} in the file, '
        f'{tuple(expected[k].shape)} in the model' for k in sorted(matched)
        if hasattr(state_dict[k], 'shape')
        and state_dict[k].shape != expected[k].shape
    ]
    problems = ([f'missing {_examples(list(missing))}'] if missing else []) + \
        ([f'unexpected {_examples(list(unexpected))}'] if unexpected else []) \
        + ([f'other shapes: {"; ".join(reshaped[:3])}'] if reshaped else [])
    if problems:
        raise RuntimeError(
            f'{source} is a checkpoint of another architecture than this '
            f'config builds: {". ".join(problems)}')


def load_network_weights(network: nn.Module,
                         filename: str,
                         name: Optional[str] = None) -> dict:
    """Load all of ``network``'s weights from ``filename``, checked.

    Args:
        network: the network (an mmpretrain classifier or a whole model).
        filename: a checkpoint of ``network``; with ``name``, also a
            multi-network training checkpoint, whose ``<name>.*`` weights
            are then taken.
        name: the network's name in multi-network checkpoints.

    Returns:
        dict: the loaded checkpoint.

    Raises:
        RuntimeError: the file does not hold every weight of the network
            in its shape (see :func:`check_weights_fit`).
    """
    checkpoint = _load_checkpoint(filename, map_location='cpu')
    state_dict = checkpoint.get('state_dict', checkpoint)
    prefix = f'{name}.'
    if name and any(key.startswith(prefix) for key in state_dict):
        state_dict = {
            key[len(prefix):]: value
            for key, value in state_dict.items() if key.startswith(prefix)
        }
    check_weights_fit(network, state_dict, filename, exact=True)
    network.load_state_dict(state_dict)
    return checkpoint


def run_differences(saved: dict, current: dict) -> Dict[str, str]:
    """What differs between the run facts of a checkpoint and this run.

    Args:
        saved: ``RUN_FACTS`` stored in the checkpoint.
        current: the same facts of this run.

    Returns:
        dict: fact -> ``'<fact>: <saved> in the checkpoint, <current>
        now'`` per difference (facts unknown on either side are skipped).
    """
    return {
        fact: f'{fact.replace("_", " ")}: {saved[fact]} in the checkpoint, '
        f'{current[fact]} now'
        for fact in RUN_FACTS
        if saved.get(fact) is not None and current.get(fact) is not None
        and saved[fact] != current[fact]
    }


def is_mid_epoch(meta: dict, saved: dict) -> Optional[bool]:
    """Whether an epoch-based checkpoint was written inside an epoch (None
    when its run facts do not say)."""
    per_epoch = saved.get('iters_per_epoch')
    if not per_epoch:
        return None
    return meta['iter'] != meta['epoch'] * per_epoch


def _param_group_settings(group: dict) -> Dict[str, object]:
    """A param group's hyper-parameters that the config sets: everything
    but its parameters and the values a param scheduler moves (``lr`` when
    ``initial_lr`` is kept, ``momentum`` when ``initial_momentum`` is)."""
    return {
        key: value
        for key, value in group.items()
        if key != 'params' and f'initial_{key}' not in group
    }


def optimizer_differences(saved: dict, current: dict,
                          name: str = 'optimizer') -> List[str]:
    """The hyper-parameters in which two optimizer state dicts differ.

    Args:
        saved: the checkpoint's ``optimizer`` entry: one optimizer's state
            dict or a dict of them per network (``OptimWrapperDict``).
        current: the same entry of this run (before loading).
        name: the entry's name in the lines.

    Returns:
        list[str]: ``'<name>.<group>.<key>: <saved> in the checkpoint,
        <current> now'`` per difference.
    """
    if 'param_groups' not in saved or 'param_groups' not in current:
        return [
            line for key in sorted(set(saved) & set(current))
            if isinstance(saved[key], dict)
            for line in optimizer_differences(saved[key], current[key],
                                              f'{name}.{key}')
        ]
    lines = []
    for index, (old, new) in enumerate(
            zip(saved['param_groups'], current['param_groups'])):
        old, new = _param_group_settings(old), _param_group_settings(new)
        lines += [
            f'{name}.param_groups[{index}].{key}: {old.get(key)} in the '
            f'checkpoint, {new.get(key)} now'
            for key in sorted(set(old) | set(new))
            if old.get(key) != new.get(key)
        ]
    return lines


class _NotSet:
    """A key a config does not set (its default applies)."""

    def __repr__(self) -> str:
        return 'not set'

    __str__ = __repr__


NOT_SET = _NotSet()


def config_differences(saved: object, current: object,
                       name: str) -> List[str]:
    """The dotted keys at which two (nested) config values differ.

    Args:
        saved: the checkpoint's value (:data:`NOT_SET` where absent).
        current: this run's value (:data:`NOT_SET` where absent).
        name: the value's dotted key.

    Returns:
        list[str]: ``'<key>: <saved> in the checkpoint, <current> now'``.
    """
    if isinstance(saved, dict) and isinstance(current, dict):
        return [
            line for key in sorted(set(saved) | set(current), key=str)
            for line in config_differences(
                saved.get(key, NOT_SET), current.get(key, NOT_SET),
                f'{name}.{key}')
        ]
    if saved != current:
        return [f'{name}: {saved} in the checkpoint, {current} now']
    return []


def changed_settings(checkpoint: dict, optim_wrapper: object,
                     model_cfg: Optional[dict]) -> List[str]:
    """What a resume changes: the optimizer hyper-parameters and model
    options in which the run differs from ``checkpoint``, each with which
    value takes effect.

    Args:
        checkpoint: a training checkpoint (``optimizer`` and the config
            text in ``meta['cfg']``, read without executing it).
        optim_wrapper: this run's optimizer wrapper(s), not yet loaded.
        model_cfg: this run's ``model`` config.

    Returns:
        list[str]: one line per difference; empty when nothing differs.
    """
    lines = [
        f'  {line} (the checkpoint\'s value takes effect: the optimizer '
        f'state is restored)' for line in optimizer_differences(
            checkpoint.get('optimizer') or {}, optim_wrapper.state_dict())
    ]
    text = (checkpoint.get('meta') or {}).get('cfg')
    if text and model_cfg is not None:
        try:
            saved = parse_literal_config(text).to_dict().get('model')
        except UnsafeConfigError:
            saved = None  # a config that is not plain values is not read
        if saved is not None:
            lines += [
                f'  {line} (this config\'s value takes effect)'
                for line in config_differences(
                    saved, Config(dict(model=model_cfg)).to_dict()['model'],
                    'model')
            ]
    return lines
