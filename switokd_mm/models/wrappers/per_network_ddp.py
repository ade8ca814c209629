"""torch DDP for models whose networks learn and pause independently."""
from typing import List, Optional

import torch.nn as nn
from mmengine.device import get_device
from mmengine.model import MMSeparateDistributedDataParallel
# mmengine's Runner looks model wrappers up in its root registry without a
# scope, so the wrapper is registered there rather than in mmpretrain's.
from mmengine.registry import MODEL_WRAPPERS
from torch.nn.parallel import DistributedDataParallel


@MODEL_WRAPPERS.register_module()
class PerNetworkDistributedDataParallel(MMSeparateDistributedDataParallel):
    """One torch ``DistributedDataParallel`` per network, on GPUs or CPUs.

    mmengine's :class:`MMSeparateDistributedDataParallel` wraps each
    trainable submodule (``student``, ``teacher``, or every named network)
    in its own DDP, so every network keeps its own optimizer, backward pass
    and gradient buckets: DDP averages a network's gradients during its
    backward, overlapping communication with computation. A paused teacher
    runs its forward and no backward, so it exchanges no gradients and its
    optimizer does not step. This subclass changes two defaults:

    - ``broadcast_buffers=True``: before each training forward, and before
      the first forward after training, DDP copies rank 0's buffers
      (BatchNorm running statistics) to every rank, so ranks never drift
      apart whichever hooks a config lists (mmengine's default is False,
      relying on a ``SyncBuffersHook``);
    - CPU processes (gloo) get ``device_ids=None``, which torch requires
      for CPU modules; mmengine's Runner passes the local rank's GPU;
    - buffers that a submodule keeps equal on every rank itself (named in
      its ``synchronised_buffers``, e.g. a contrastive loss's memory of
      every training sample) are not broadcast.

    Model code must call each network through its ``forward`` (e.g.
    ``net(inputs, data_samples, mode='predict')``): a wrapped network has
    no ``predict`` attribute. The model's state dict keeps the keys of the
    unwrapped model (``student.*``, not ``student.module.*``), so that
    checkpoints saved by mmengine's Runner (which calls the model's own
    ``state_dict``) load in single-process runs, tools and resumes alike.

    Args:
        module: the model, e.g. :class:`SwitOKD`.
        broadcast_buffers: keep buffers identical on every rank (see above).
        find_unused_parameters: for networks that leave parameters unused
            in their forward, as in torch's DDP.
        device_ids: the GPU of this process; ignored on CPU.
        **kwargs: other arguments of torch's ``DistributedDataParallel``
            (``bucket_cap_mb``, ``gradient_as_bucket_view``, ...).
    """

    def __init__(self,
                 module: nn.Module,
                 broadcast_buffers: bool = True,
                 find_unused_parameters: bool = False,
                 device_ids: Optional[List[int]] = None,
                 **kwargs) -> None:
        if get_device() != 'cpu':
            kwargs['device_ids'] = device_ids
        # torch's (private) way to exempt buffers from DDP's broadcasts
        exempt = DistributedDataParallel.\
            _set_params_and_buffers_to_ignore_for_model
        for network in module.children():
            ignored = synchronised_buffers(network)
            if ignored:
                exempt(network, ignored)
        super().__init__(
            module,
            broadcast_buffers=broadcast_buffers,
            find_unused_parameters=find_unused_parameters,
            **kwargs)
        for network in module.children():
            if isinstance(network, DistributedDataParallel):
                network._register_state_dict_hook(_unwrapped_keys)
                network._register_load_state_dict_pre_hook(_wrapped_keys)


def synchronised_buffers(network: nn.Module) -> List[str]:
    """Names of the buffers of ``network`` that its submodules keep equal on
    every rank themselves (``synchronised_buffers`` attributes)."""
    return [
        f'{path}.{name}' if path else name
        for path, module in network.named_modules()
        for name in getattr(module, 'synchronised_buffers', ())
    ]


def _unwrapped_keys(ddp: nn.Module, state_dict: dict, prefix: str,
                    local_metadata: dict) -> None:
    """State-dict hook of a network's DDP: ``<prefix>module.x`` ->
    ``<prefix>x``."""
    inner = prefix + 'module.'
    for key in [k for k in state_dict if k.startswith(inner)]:
        state_dict[prefix + key[len(inner):]] = state_dict.pop(key)


def _wrapped_keys(state_dict: dict, prefix: str, *args) -> None:
    """Load pre-hook of a network's DDP: ``<prefix>x`` ->
    ``<prefix>module.x``, the inverse of :func:`_unwrapped_keys`."""
    inner = prefix + 'module.'
    for key in [
            k for k in state_dict
            if k.startswith(prefix) and not k.startswith(inner)
    ]:
        state_dict[inner + key[len(prefix):]] = state_dict.pop(key)
