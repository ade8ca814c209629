"""Mixed precision without loss scaling, for CPUs (bfloat16)."""
from contextlib import contextmanager

import torch
import torch.nn as nn
from mmengine.optim import OptimWrapper
from mmpretrain.registry import OPTIM_WRAPPERS


@OPTIM_WRAPPERS.register_module()
class AutocastOptimWrapper(OptimWrapper):
    """An OptimWrapper whose forward runs under ``torch.autocast``.

    mmengine's ``AmpOptimWrapper`` needs CUDA (fp16 with a loss scaler).
    bfloat16 keeps float32's exponent range, so it needs no loss scaling
    and runs on CPUs; ``tools/train.py --amp`` picks this wrapper where
    CUDA is unavailable. Parameters, gradients and optimizer state stay
    float32; SwitOKD computes its losses and gap statistics in float32.

    Args:
        dtype: the autocast dtype, ``'bfloat16'`` (default) or ``'float16'``.
        **kwargs: the arguments of :class:`mmengine.optim.OptimWrapper`.
    """

    def __init__(self, dtype: str = 'bfloat16', **kwargs) -> None:
        super().__init__(**kwargs)
        if dtype not in ('bfloat16', 'float16'):
            raise ValueError(f'AutocastOptimWrapper: dtype must be bfloat16 '
                             f'or float16, got {dtype!r}')
        self.cast_dtype = getattr(torch, dtype)

    @contextmanager
    def optim_context(self, model: nn.Module):
        device = next(model.parameters()).device.type
        with super().optim_context(model), torch.autocast(
                device_type=device, dtype=self.cast_dtype):
            yield
