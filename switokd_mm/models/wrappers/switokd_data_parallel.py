"""Distributed data parallelism for models that step their networks apart."""
from typing import Dict, List, Union

import torch.nn as nn
from mmengine.dist import broadcast
from mmengine.optim import OptimWrapper
# mmengine's Runner looks model wrappers up in its root registry without a
# scope, so the wrapper is registered there rather than in mmpretrain's.
from mmengine.registry import MODEL_WRAPPERS
from torch import Tensor


@MODEL_WRAPPERS.register_module()
class SwitOKDDataParallel(nn.Module):
    """Data parallelism for SwitOKD without torch's DDP.

    torch's ``DistributedDataParallel`` expects every forward with autograd
    to be followed by a backward through the same parameters; a teacher that
    runs forward and is then paused breaks that contract ("Expected to have
    finished reduction in the prior iteration") unless the crutch
    ``find_unused_parameters`` is on, and mmengine's DDP wrapper never calls
    a custom ``train_step``. This wrapper instead

    - broadcasts rank 0's parameters and buffers once, at construction, so
      every rank starts from the same networks;
    - delegates ``train_step`` to the model, whose statistics are averaged
      over ranks before the mode decision (one collective), so all ranks
      take the same decision;
    - leaves gradient averaging to :class:`SwitchableOptimWrapperDict`,
      which all-reduces a network's gradients (one coalesced collective)
      only when that network steps — a paused teacher costs no
      communication.

    Works with NCCL (CUDA) and gloo (CPU). BatchNorm buffers are averaged
    across ranks by mmengine's ``SyncBuffersHook`` (in the plugin's runtime
    config) after each training epoch and before validation; use ``sync_bn``
    for synchronised batch statistics during training.

    Args:
        module: the model to train, e.g. :class:`SwitOKD`.
    """

    def __init__(self, module: nn.Module) -> None:
        super().__init__()
        self.module = module
        for tensor in (*module.parameters(), *module.buffers()):
            broadcast(tensor.data, src=0)

    def train_step(self, data: Union[dict, tuple, list],
                   optim_wrapper: OptimWrapper) -> Dict[str, Tensor]:
        return self.module.train_step(data, optim_wrapper)

    def val_step(self, data: Union[dict, tuple, list]) -> List:
        return self.module.val_step(data)

    def test_step(self, data: Union[dict, tuple, list]) -> List:
        return self.module.test_step(data)
