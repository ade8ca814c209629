"""Builds one optimizer wrapper per network of a multi-network model."""
from typing import Optional

import torch.nn as nn
from mmengine.model import is_model_wrapper
from mmengine.optim import OptimWrapperDict, build_optim_wrapper
from mmpretrain.registry import OPTIM_WRAPPER_CONSTRUCTORS


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class PerNetworkOptimWrapperConstructor:
    """Build mmengine's ``OptimWrapperDict``, one wrapper per network, from
    per-network configs.

    Example::

        optim_wrapper = dict(
            constructor='PerNetworkOptimWrapperConstructor',
            student=dict(optimizer=dict(type='SGD', lr=0.1, momentum=0.9)),
            teacher=dict(optimizer=dict(type='SGD', lr=0.1, momentum=0.9),
                         paramwise_cfg=dict(norm_decay_mult=0.)))

    Each entry is an ordinary mmengine ``optim_wrapper`` config (``type``,
    ``optimizer``, ``paramwise_cfg``, ``clip_grad``, ...) applied to the
    submodule of that name; an entry set to None (e.g. ``teacher=None`` in a
    config inheriting one, for a frozen teacher) is dropped.
    ``param_scheduler`` may then be one list for all networks or a dict
    keyed by the same names. The model steps the networks that learn in an
    iteration through their own wrappers
    (:func:`~switokd_mm.models.utils.update_learners`); a paused network's
    wrapper is not called.

    Args:
        optim_wrapper_cfg: per-network configs, keyed by submodule name.
        paramwise_cfg: must be None; give it per network instead.
    """

    def __init__(self,
                 optim_wrapper_cfg: dict,
                 paramwise_cfg: Optional[dict] = None) -> None:
        if paramwise_cfg is not None:
            raise ValueError('PerNetworkOptimWrapperConstructor: set '
                             'paramwise_cfg inside each network entry')
        optim_wrapper_cfg = {
            name: cfg
            for name, cfg in optim_wrapper_cfg.items() if cfg is not None
        }
        if not optim_wrapper_cfg:
            raise ValueError('PerNetworkOptimWrapperConstructor: no network '
                             'entries (expected e.g. student=..., '
                             'teacher=...)')
        for name, cfg in optim_wrapper_cfg.items():
            if not isinstance(cfg, dict) or 'optimizer' not in cfg:
                raise ValueError(f'PerNetworkOptimWrapperConstructor: entry '
                                 f'{name!r} must be a dict with an '
                                 f'`optimizer`; got {cfg!r}')
        self.optim_wrapper_cfg = optim_wrapper_cfg

    def __call__(self, model: nn.Module) -> OptimWrapperDict:
        if is_model_wrapper(model):
            model = model.module
        wrappers = {}
        for name, cfg in self.optim_wrapper_cfg.items():
            network = getattr(model, name, None)
            if not isinstance(network, nn.Module):
                raise ValueError(
                    f'PerNetworkOptimWrapperConstructor: the model '
                    f'has no network {name!r} to optimise')
            if is_model_wrapper(network):  # one DDP per network
                network = network.module
            wrappers[name] = build_optim_wrapper(network, cfg)
        return OptimWrapperDict(**wrappers)
