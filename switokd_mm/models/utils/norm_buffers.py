"""Save and restore a network's normalisation statistics (BatchNorm running
mean/var and counters), e.g. to keep a paused teacher's unchanged."""
from typing import Dict

import torch.nn as nn
from torch import Tensor


def norm_buffers(network: nn.Module) -> Dict[str, Tensor]:
    """Copies of the buffers of every normalisation layer, by name."""
    return {
        f'{module_name}.{name}' if module_name else name: buffer.clone()
        for module_name, module in network.named_modules()
        if isinstance(module, nn.modules.batchnorm._NormBase)
        for name, buffer in module.named_buffers(recurse=False)
    }


def load_norm_buffers(network: nn.Module, saved: Dict[str, Tensor]) -> None:
    """Write back what :func:`norm_buffers` saved, in place."""
    buffers = dict(network.named_buffers())
    for name, value in saved.items():
        buffers[name].copy_(value)
