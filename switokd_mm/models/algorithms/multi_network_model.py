"""What every model here shares: learners by name, each with a role: the
mmpretrain classifiers run on one batch, and modules of any kind that the
algorithm runs itself."""
from typing import Dict, List, Optional, Tuple, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModel
from mmengine.optim import OptimWrapperDict
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample
from torch import Tensor

from ..distill import (FeatureRecorder, build_terms, needs_sample_idx,
                       recorded_paths, sample_indices, term_losses)
from ..utils import check_optim_wrapper, soft_targets

ROLES = ('teacher', 'student')


class MultiNetworkModel(BaseModel):
    """Learners declared by name, each with a role.

    A learner is a classifier (``model=``: an mmpretrain classifier, run on
    every batch by :meth:`_forward_all`, its logits distilled) or any other
    module (``module=``: e.g. a fusion block, a decoder or a policy, which
    the algorithm calls itself). Roles are data (``teacher``, ``student``,
    ``leader``, ...): an algorithm names the roles it needs in
    :attr:`required_roles`. Each learner is a submodule of its own name
    (checkpoint keys ``<name>.*``); ``PerNetworkOptimWrapperConstructor``
    gives each learner that has an ``optim_wrapper`` entry its own
    optimizer, and the model steps the learners that learn in an iteration
    (:func:`~switokd_mm.models.utils.update_learners`). Inference: the
    first of ``eval_networks`` gives the samples' predictions, the others
    ride along in fields named after them (for :class:`PerNetworkMetric`).

    Args:
        networks: name -> ``dict(role=<role>, model=<mmpretrain classifier
            config>)`` or ``dict(role=<role>, module=<module config>)``,
            in the order they are built and the classifiers run.
        eval_networks: networks validation reports, one of
            :attr:`first_evaluated_role` first.
            Default: all classifiers, those of that role first.
        data_preprocessor: config of the data preprocessor, by default
            mmpretrain's ``ClsDataPreprocessor``.
        init_cfg: mmengine initialisation config.
        distill_terms: feature distillation terms beside the algorithm's
            own (:mod:`switokd_mm.models.distill.terms`), e.g. an AT or
            FitNet term from ``teacher.backbone.layer3`` to
            ``student.backbone.layer3``.
    """
    #: attribute names a subclass sets after the networks are added; no
    #: network may take them
    reserved_names: Tuple[str, ...] = ()
    #: networks that never learn (no optimizer; forward without autograd)
    frozen: Tuple[str, ...] = ()
    #: roles the algorithm needs at least one classifier of
    required_roles: Tuple[str, ...] = ROLES
    #: the role of the first evaluated network, whose predictions are the
    #: samples' (None: the algorithm evaluates no classifier and overrides
    #: ``forward``, e.g. a paraphraser's pre-training)
    first_evaluated_role: Optional[str] = 'student'

    def __init__(self,
                 networks: Dict[str, dict],
                 eval_networks: Optional[List[str]] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None,
                 distill_terms: Optional[List[dict]] = None) -> None:
        data_preprocessor = dict(data_preprocessor or {})
        data_preprocessor.setdefault('type', 'mmpretrain.ClsDataPreprocessor')
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        owner = type(self).__name__
        self.roles = _check_roles(networks, self.required_roles, owner)
        self.classifiers = [
            name for name, spec in networks.items() if 'model' in spec
        ]
        for name, spec in networks.items():
            if hasattr(self, name) or name in self.reserved_names + (
                    'terms', 'recorders', 'classifiers', 'sample_idx'):
                raise ValueError(f'{owner}: network name {name!r} is taken '
                                 f'by the model itself')
            self.add_module(
                name, MODELS.build(spec.get('model', spec.get('module'))))
        self.num_classes = _common_num_classes(self.nets, owner)
        self.teachers = [
            n for n in self.classifiers if self.roles[n] == 'teacher'
        ]
        self.students = [
            n for n in self.classifiers if self.roles[n] == 'student'
        ]
        first = self.first_evaluated_role
        self.eval_networks = [] if first is None else list(
            eval_networks or
            [n for n in self.classifiers if self.roles[n] == first] +
            [n for n in self.classifiers if self.roles[n] != first])
        unknown = set(self.eval_networks) - set(self.nets)
        if unknown or (first is not None
                       and self.roles[self.eval_networks[0]] != first):
            raise ValueError(f'{owner}: eval_networks must name networks, a '
                             f'{first} first; got {self.eval_networks}')
        self.terms = build_terms(distill_terms or [], self.nets, owner)
        self.recorders = {
            name: FeatureRecorder(net, recorded_paths(self.terms, name), name)
            for name, net in self.nets.items()
        }
        #: the last batch's dataset indices, kept for the terms that read
        #: them (a memory bank); None otherwise
        self.sample_idx: Optional[Tensor] = None

    @property
    def nets(self) -> Dict[str, nn.Module]:
        """The classifiers by name, in declaration order."""
        return {name: getattr(self, name) for name in self.classifiers}

    @property
    def learners(self) -> Dict[str, nn.Module]:
        """Every learner by name (classifiers and other modules), in
        declaration order."""
        return {name: getattr(self, name) for name in self.roles}

    def _forward_all(
        self, data: Union[dict, tuple, list],
        optim_wrapper: OptimWrapperDict
    ) -> Tuple[Dict[str, Tensor], Tensor]:
        """float32 logits of every network (each learning network in its own
        optimizer context: autocast, no_sync) and the target probabilities.
        """
        inputs, data_samples = self._preprocess(data)
        return self._run_networks(inputs, optim_wrapper), soft_targets(
            data_samples, self.num_classes)

    def _preprocess(self, data: Union[dict, tuple, list]) -> tuple:
        """The batch through the data preprocessor: ``(inputs,
        data_samples)``; keeps the samples' dataset indices when a term
        reads them."""
        data = self.data_preprocessor(data, True)
        inputs, data_samples = data['inputs'], data['data_samples']
        if needs_sample_idx(self.terms):
            self.sample_idx = sample_indices(data_samples).to(inputs.device)
        return inputs, data_samples

    def _run_networks(self, inputs: Tensor,
                      optim_wrapper: OptimWrapperDict) -> Dict[str, Tensor]:
        """float32 logits of every classifier on ``inputs``, recording the
        features the terms read; a frozen network runs without autograd."""
        learning = [name for name in self.nets if name not in self.frozen]
        check_optim_wrapper(optim_wrapper, learning, type(self).__name__)
        logits = {}
        for name, net in self.nets.items():
            context = torch.no_grad() if name in self.frozen else \
                optim_wrapper[name].optim_context(net)
            with context, self.recorders[name].recording():
                logits[name] = net(inputs, mode='tensor').float()
        return logits

    def feature_losses(self, learner: str) -> Dict[str, Tensor]:
        """The losses of the config's distillation terms that train
        ``learner``, from the features recorded in the last
        :meth:`_forward_all` (``loss_<name>`` each; empty without terms).
        """
        return term_losses(
            self.terms, learner,
            {name: rec.outputs
             for name, rec in self.recorders.items()}, self.sample_idx)

    def forward(self,
                inputs: Tensor,
                data_samples: Optional[List[DataSample]] = None,
                mode: str = 'tensor'):
        """First evaluated student's logits (``mode='tensor'``) or the
        evaluated networks' predictions (``'predict'``). Training goes
        through ``train_step`` only: the per-network updates cannot be
        expressed as one loss dict."""
        first = self.nets[self.eval_networks[0]]
        if mode == 'tensor':
            return first(inputs, mode='tensor')
        if mode == 'predict':
            # Through forward, not .predict: under distributed training a
            # network is a DDP wrapper, whose forward also syncs buffers.
            predictions = first(inputs, data_samples, mode='predict')
            for name in self.eval_networks[1:]:
                others = self.nets[name](inputs, mode='predict')
                for sample, other in zip(predictions, others):
                    sample.set_field(other, name)
            return predictions
        raise RuntimeError(f'{type(self).__name__}.forward: invalid mode '
                           f"{mode!r}; use 'tensor' or 'predict' (training "
                           f'runs through train_step).')


class TeacherStudentForm:
    """Mixin giving a :class:`MultiNetworkModel` the two-network form:
    ``student`` and ``teacher`` configs instead of ``networks`` (student
    built and run first), ``eval_teacher`` instead of ``eval_networks``.

    Args:
        student: config of the student classifier.
        teacher: config of the teacher classifier (same classes).
        eval_teacher: also predict with the teacher in validation and test;
            its predictions ride along in each sample's ``teacher`` field
            for :class:`PerNetworkMetric`.
        **kwargs: the other arguments of the multi-network model.
    """

    def __init__(self,
                 student: dict,
                 teacher: dict,
                 eval_teacher: bool = False,
                 **kwargs) -> None:
        networks = dict(
            student=dict(role='student', model=student),
            teacher=dict(role='teacher', model=teacher))
        eval_networks = ['student', 'teacher'] if eval_teacher \
            else ['student']
        super().__init__(networks, eval_networks=eval_networks, **kwargs)


def _check_roles(networks: Dict[str, dict], required: Tuple[str, ...],
                 owner: str) -> Dict[str, str]:
    """Each learner's role; every required role held by a classifier."""
    roles = {}
    for name, spec in networks.items():
        kinds = [
            k for k in ('model', 'module')
            if isinstance(spec, dict) and isinstance(spec.get(k), dict)
        ]
        if not isinstance(spec, dict) or not isinstance(
                spec.get('role'), str) or not spec['role'] or len(kinds) != 1:
            raise ValueError(f'{owner}: network {name!r} needs '
                             f'dict(role=<role>, model=<classifier>) or '
                             f'dict(role=<role>, module=<module>); got '
                             f'{spec!r}')
        if '-' in name or '/' in name:
            raise ValueError(f'{owner}: network names may not contain '
                             f"'-' or '/' (used in log keys): {name!r}")
        roles[name] = spec['role']
    held = {spec['role'] for spec in networks.values() if 'model' in spec}
    missing = [role for role in required if role not in held]
    if missing:
        raise ValueError(f'{owner}: needs a classifier of each role '
                         f'{list(required)}; none is a {missing[0]}')
    return roles


def _common_num_classes(nets: Dict[str, nn.Module], owner: str) -> int:
    classes = {
        name: getattr(getattr(net, 'head', None), 'num_classes', None)
        for name, net in nets.items()
    }
    if None in classes.values():
        raise ValueError(f'{owner}: every network must be a classifier with '
                         f'a classification head (head.num_classes); got '
                         f'{classes}')
    if len(set(classes.values())) != 1:
        raise ValueError(f'{owner}: all networks must predict the same '
                         f'classes; got {classes}')
    return next(iter(classes.values()))
