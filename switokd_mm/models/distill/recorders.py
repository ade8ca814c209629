"""Record the outputs of a network's inner modules with forward hooks."""
from contextlib import contextmanager
from functools import partial
from typing import Dict, Iterable, Iterator

import torch.nn as nn
from torch import Tensor


def last_output(output):
    """A recorded output as one value: a tuple or list (a backbone's or a
    neck's stage outputs) gives its last element, anything else itself."""
    if isinstance(output, (tuple, list)) and output:
        return output[-1]
    return output


class FeatureRecorder:
    """Outputs of named submodules of one network (e.g.
    ``backbone.layer3``), kept while :meth:`recording` is active.

    The hooks sit on the inner modules themselves, so they record through
    a DDP wrapper of the network and under autocast alike.

    Args:
        network: the network (before any wrapper).
        paths: module paths inside it.
        owner: the network's name, for the messages.

    Raises:
        ValueError: a path names no module of the network.
    """

    def __init__(self, network: nn.Module, paths: Iterable[str],
                 owner: str) -> None:
        self.outputs: Dict[str, Tensor] = {}
        self._active = False
        for path in sorted(set(paths)):
            try:
                module = network.get_submodule(path)
            except AttributeError as error:
                raise ValueError(
                    f'network {owner!r} has no module {path!r} to record '
                    f'(its modules: e.g. '
                    f'{[n for n, _ in network.named_modules()][1:8]})'
                ) from error
            module.register_forward_hook(partial(self._record, path))

    def _record(self, path: str, module: nn.Module, inputs, output) -> None:
        if self._active:
            self.outputs[path] = output

    @contextmanager
    def recording(self) -> Iterator[Dict[str, Tensor]]:
        """Record during the block; yields the outputs, filled as the
        network runs (emptied at the start)."""
        self.outputs = {}
        self._active = True
        try:
            yield self.outputs
        finally:
            self._active = False
