"""What every model of named teachers and students shares."""
from typing import Dict, List, Optional, Tuple, Union

import torch
from mmengine.model import BaseModel
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample
from torch import Tensor

from switokd_mm.engine.optim_wrappers import SwitchableOptimWrapperDict
from .base_distiller import (check_optim_wrapper, classifier_preprocessor,
                             soft_targets)

ROLES = ('teacher', 'student')


class MultiNetworkBase(BaseModel):
    """Networks declared by name, each an mmpretrain classifier with a role.

    Each network is a submodule of its own name (checkpoint keys
    ``<name>.*``; ``SwitOKDOptimWrapperConstructor`` finds it by name).
    Inference: the first of ``eval_networks`` gives the samples'
    predictions, the others ride along in fields named after them (for
    :class:`PerNetworkMetric`).

    Args:
        networks: name -> ``dict(role='teacher'|'student', model=<mmpretrain
            classifier config>)``.
        eval_networks: networks validation reports, a student first.
            Default: all, students first.
        data_preprocessor: config of the data preprocessor.
        init_cfg: mmengine initialisation config.
    """
    #: attribute names a subclass sets after the networks are added; no
    #: network may take them
    reserved_names: Tuple[str, ...] = ()

    def __init__(self,
                 networks: Dict[str, dict],
                 eval_networks: Optional[List[str]] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(
            data_preprocessor=classifier_preprocessor(data_preprocessor),
            init_cfg=init_cfg)
        owner = type(self).__name__
        self.roles = _check_roles(networks, owner)
        for name, spec in networks.items():
            if hasattr(self, name) or name in self.reserved_names:
                raise ValueError(f'{owner}: network name {name!r} is taken '
                                 f'by the model itself')
            self.add_module(name, MODELS.build(spec['model']))
        classes = {
            name: getattr(getattr(net, 'head', None), 'num_classes', None)
            for name, net in self.nets.items()
        }
        if len(set(classes.values())) != 1 or None in classes.values():
            raise ValueError(f'{owner}: all networks must be classifiers of '
                             f'the same classes; got {classes}')
        self.num_classes = next(iter(classes.values()))
        self.teachers = [n for n, r in self.roles.items() if r == 'teacher']
        self.students = [n for n, r in self.roles.items() if r == 'student']
        self.eval_networks = list(eval_networks
                                  or self.students + self.teachers)
        unknown = set(self.eval_networks) - set(self.nets)
        if unknown or self.eval_networks[0] not in self.students:
            raise ValueError(f'{owner}: eval_networks must name networks, a '
                             f'student first; got {self.eval_networks}')

    @property
    def nets(self) -> Dict[str, torch.nn.Module]:
        """The networks by name, in declaration order."""
        return {name: getattr(self, name) for name in self.roles}

    def _forward_all(
        self, data: Union[dict, tuple,
                          list], optim_wrapper: SwitchableOptimWrapperDict
    ) -> Tuple[Dict[str, Tensor], Tensor]:
        """float32 logits of every network (each in its own optimizer
        context) and the target probabilities."""
        check_optim_wrapper(optim_wrapper, list(self.nets),
                            type(self).__name__)
        data = self.data_preprocessor(data, True)
        inputs, data_samples = data['inputs'], data['data_samples']
        logits = {}
        for name, net in self.nets.items():
            with optim_wrapper[name].optim_context(net):
                logits[name] = net(inputs, mode='tensor').float()
        return logits, soft_targets(data_samples, self.num_classes)

    def forward(self,
                inputs: Tensor,
                data_samples: Optional[List[DataSample]] = None,
                mode: str = 'tensor'):
        """First evaluated student's logits or everyone's predictions."""
        first = self.nets[self.eval_networks[0]]
        if mode == 'tensor':
            return first(inputs, mode='tensor')
        if mode == 'predict':
            # through forward: a network may be a DDP wrapper (no .predict)
            predictions = first(inputs, data_samples, mode='predict')
            for name in self.eval_networks[1:]:
                for sample, other in zip(
                        predictions, self.nets[name](inputs, mode='predict')):
                    sample.set_field(other, name)
            return predictions
        raise RuntimeError(f'{type(self).__name__}.forward: invalid mode '
                           f'{mode!r}')


def _check_roles(networks: Dict[str, dict], owner: str) -> Dict[str, str]:
    roles = {}
    for name, spec in networks.items():
        if not isinstance(spec, dict) or spec.get('role') not in ROLES \
                or 'model' not in spec:
            raise ValueError(f"{owner}: network {name!r} needs "
                             f"dict(role='teacher'|'student', model=...); "
                             f'got {spec!r}')
        if '-' in name or '/' in name:
            raise ValueError(f'{owner}: network names may not contain '
                             f"'-' or '/' (used in log keys): {name!r}")
        roles[name] = spec['role']
    if set(roles.values()) != set(ROLES):
        raise ValueError(f'{owner}: needs at least one teacher and one '
                         f'student')
    return roles
