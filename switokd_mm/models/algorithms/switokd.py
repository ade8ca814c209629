"""SwitOKD: a teacher and a student trained together, the teacher paused
whenever the distillation gap grows past an adaptive threshold."""
import math
from typing import Dict, List, Optional, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.dist import all_reduce, get_world_size
from mmengine.logging import MessageHub
from mmengine.model import BaseModel
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample
from torch import Tensor

from switokd_mm.engine.optim_wrappers import SwitchableOptimWrapperDict
from switokd_mm.registry import THRESHOLDS
from ..losses import distillation_kl
from ..switching import GapStatistics, expert_gate, gap_statistics

TEACHER_LOSSES = ('reciprocal', 'ce')


@MODELS.register_module()
class SwitOKD(BaseModel):
    """Switchable Online Knowledge Distillation (Qian et al., ECCV 2022).

    Each training iteration runs both networks on the batch, measures the
    distillation gap G and the threshold delta, and picks a mode:

    - learning mode (G <= delta): both networks learn, each from the labels
      and from the other (DML-like);
    - expert mode (G > delta, and by default dt < ds): only the student
      learns; the teacher gets no backward pass and no optimizer step, so its
      weights and optimizer state stay bit-identical.

    The classifiers' own ``head.loss`` settings are not used: both networks
    are trained with the losses above (cross-entropy on one-hot labels, or
    on the soft targets of Mixup/CutMix batch augments).

    Args:
        student: config of the student, an mmpretrain classifier.
        teacher: config of the teacher, an mmpretrain classifier with the
            same number of classes.
        alpha: weight of the student's distillation term.
        beta: weight of the teacher's distillation term (learning mode).
        tau: temperature of both distillation terms.
        gap_tau: temperature at which G, ds and dt are measured.
        threshold: config of the switching threshold, from
            ``switokd_mm.registry.THRESHOLDS``: ``AdaptiveThreshold`` (Eq.
            13, default), ``FixedThreshold`` or ``NeverSwitch``.
        require_teacher_ahead: pause the teacher only if it also fits the
            labels better than the student (``dt < ds``), as the authors'
            released code does. False follows the paper's formula alone.
        teacher_loss: ``'reciprocal'`` (CE + KL from the student, Eq. 6) or
            ``'ce'`` (labels only, Eq. 5).
        freeze_teacher_bn_in_expert: also keep the teacher's BatchNorm
            running statistics unchanged in expert mode (by default they
            update, as in the released code, since the teacher runs forward
            in train mode).
        eval_teacher: also predict with the teacher in validation and test;
            its predictions ride along in each data sample's ``teacher``
            field for :class:`PerNetworkMetric`.
        data_preprocessor: config of the data preprocessor, by default
            mmpretrain's ``ClsDataPreprocessor``.
        init_cfg: mmengine initialisation config.
    """

    def __init__(self,
                 student: dict,
                 teacher: Optional[dict] = None,
                 alpha: float = 1.0,
                 beta: float = 1.0,
                 tau: float = 1.0,
                 gap_tau: float = 1.0,
                 threshold: dict = dict(type='AdaptiveThreshold'),
                 require_teacher_ahead: bool = True,
                 teacher_loss: str = 'reciprocal',
                 freeze_teacher_bn_in_expert: bool = False,
                 eval_teacher: bool = False,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = {}
        data_preprocessor.setdefault('type', 'mmpretrain.ClsDataPreprocessor')
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        if teacher is None:
            raise ValueError('SwitOKD needs a `teacher` classifier config '
                             'next to `student`.')
        _check_hyper_parameters(alpha=alpha, beta=beta, tau=tau,
                                gap_tau=gap_tau)
        if teacher_loss not in TEACHER_LOSSES:
            raise ValueError(f'SwitOKD: teacher_loss must be one of '
                             f'{TEACHER_LOSSES}, got {teacher_loss!r}')
        self.student = MODELS.build(student)
        self.teacher = MODELS.build(teacher)
        self.num_classes = _matching_num_classes(self.student, self.teacher)
        self.alpha, self.beta, self.tau, self.gap_tau = alpha, beta, tau, gap_tau
        self.threshold = THRESHOLDS.build(threshold)
        self.require_teacher_ahead = require_teacher_ahead
        self.teacher_loss = teacher_loss
        self.freeze_teacher_bn_in_expert = freeze_teacher_bn_in_expert
        self.eval_teacher = eval_teacher
        # Switching state, saved in checkpoints with the weights so that a
        # resumed run counts modes and switches exactly as an unbroken one.
        self.register_buffer('num_iters', torch.zeros((), dtype=torch.long))
        self.register_buffer('num_expert_iters',
                             torch.zeros((), dtype=torch.long))
        self.register_buffer('num_switches', torch.zeros((), dtype=torch.long))
        # -1 before the first iteration, then 0 (learning) or 1 (expert).
        self.register_buffer('last_mode', torch.full((), -1, dtype=torch.long))

    # ------------------------------------------------------------------ train
    def train_step(self, data: Union[dict, tuple, list],
                   optim_wrapper: SwitchableOptimWrapperDict
                   ) -> Dict[str, Tensor]:
        """One SwitOKD iteration: forward both, decide the mode, update.

        Args:
            data: a batch from the dataloader.
            optim_wrapper: the networks' optimizers, keyed ``student`` and
                ``teacher`` (built by ``SwitOKDOptimWrapperConstructor``).

        Returns:
            dict: log variables, including ``switokd/gap``,
            ``switokd/delta``, ``switokd/ds``, ``switokd/dt`` and
            ``switokd/expert`` (1.0 in expert mode, 0.0 in learning mode).
        """
        _check_optim_wrapper(optim_wrapper, ('student', 'teacher'))
        data = self.data_preprocessor(data, True)
        inputs, data_samples = data['inputs'], data['data_samples']
        targets = self._targets(data_samples)

        # Each forward runs in its own wrapper's context (autocast under AMP,
        # no_sync while accumulating gradients); losses and statistics are
        # then computed in float32.
        with optim_wrapper['student'].optim_context(self.student):
            student_logits = self.student(inputs, mode='tensor').float()
        bn_state = (self._teacher_bn_state()
                    if self.freeze_teacher_bn_in_expert else None)
        with optim_wrapper['teacher'].optim_context(self.teacher):
            teacher_logits = self.teacher(inputs, mode='tensor').float()

        stats = self._synchronise(
            gap_statistics(student_logits.detach(), teacher_logits.detach(),
                           targets, self.gap_tau), targets.size(0))
        delta = self.threshold(stats.ds, stats.dt)
        _check_finite({'gap G': stats.gap, 'ds': stats.ds, 'dt': stats.dt},
                      'the switching statistics')
        if torch.isnan(delta):
            _raise_non_finite('the switching threshold delta')
        expert = expert_gate(stats.gap, delta, stats.ds, stats.dt,
                             self.require_teacher_ahead)

        student_losses = self._losses(student_logits, teacher_logits,
                                      targets, self.alpha)
        # In expert mode the teacher's loss is still reported (on detached
        # logits) so that its curve is continuous, but nothing backpropagates.
        teacher_losses = self._losses(
            teacher_logits if not expert else teacher_logits.detach(),
            student_logits, targets,
            self.beta if self.teacher_loss == 'reciprocal' else None)
        _check_finite({'student': student_losses['loss'],
                       'teacher': teacher_losses['loss']}, 'the loss')

        losses = {'student': student_losses['loss']}
        if not expert:
            losses['teacher'] = teacher_losses['loss']
        elif bn_state is not None:
            self._load_teacher_bn_state(bn_state)
        optim_wrapper.update_params(losses)
        self._record_mode(expert)

        log_vars = {f'student/{k}': v.detach() for k, v in student_losses.items()}
        log_vars.update(
            {f'teacher/{k}': v.detach() for k, v in teacher_losses.items()})
        log_vars.update({
            'loss': student_losses['loss'].detach(),
            'switokd/gap': stats.gap.item(),
            'switokd/delta': delta.item(),
            'switokd/ds': stats.ds.item(),
            'switokd/dt': stats.dt.item(),
            'switokd/expert': float(expert),
        })
        return log_vars

    def _losses(self, learner_logits: Tensor, peer_logits: Tensor,
                targets: Tensor, kd_weight: Optional[float]
                ) -> Dict[str, Tensor]:
        """CE to the targets plus, if ``kd_weight`` is given, the weighted
        distillation term towards the peer's prediction."""
        losses = {'loss_ce': F.cross_entropy(learner_logits, targets)}
        if kd_weight is not None:
            losses['loss_kd'] = kd_weight * distillation_kl(
                learner_logits, peer_logits, self.tau)
        losses['loss'] = sum(losses.values())
        return losses

    def _targets(self, data_samples: List[DataSample]) -> Tensor:
        """Target probabilities (B, K): soft scores from batch augments
        (Mixup, CutMix) when present, one-hot labels otherwise."""
        if 'gt_score' in data_samples[0]:
            return torch.stack([sample.gt_score for sample in data_samples])
        labels = torch.cat([sample.gt_label for sample in data_samples])
        return F.one_hot(labels, self.num_classes).float()

    def _synchronise(self, stats: GapStatistics,
                     batch_size: int) -> GapStatistics:
        """Average the statistics over all ranks, weighted by batch size, in
        one collective, so that every rank takes the decision a single
        process would take on the global batch."""
        if get_world_size() == 1:
            return stats
        packed = torch.stack([*stats, torch.ones_like(stats.gap)]) * batch_size
        all_reduce(packed, op='sum')
        return GapStatistics(*(packed[:3] / packed[3]))

    def _record_mode(self, expert: bool) -> None:
        mode = int(expert)
        if self.last_mode.item() not in (-1, mode):
            self.num_switches += 1
        self.last_mode.fill_(mode)
        self.num_iters += 1
        self.num_expert_iters += mode

    def _teacher_bn_state(self) -> Dict[str, Tensor]:
        return {
            name: buffer.clone()
            for name, buffer in self.teacher.named_buffers()
            if _is_norm_buffer(self.teacher, name)
        }

    def _load_teacher_bn_state(self, state: Dict[str, Tensor]) -> None:
        buffers = dict(self.teacher.named_buffers())
        for name, value in state.items():
            buffers[name].copy_(value)

    # ------------------------------------------------------------- inference
    def forward(self,
                inputs: Tensor,
                data_samples: Optional[List[DataSample]] = None,
                mode: str = 'tensor'):
        """Student logits (``mode='tensor'``) or predictions (``'predict'``).

        Training goes through :meth:`train_step` only: the mode decision and
        the per-network updates cannot be expressed as a loss dict.
        """
        if mode == 'tensor':
            return self.student(inputs, mode='tensor')
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        raise RuntimeError(f'SwitOKD.forward: invalid mode {mode!r}; use '
                           f"'tensor' or 'predict' (training runs through "
                           f'train_step).')

    def predict(self, inputs: Tensor,
                data_samples: Optional[List[DataSample]] = None
                ) -> List[DataSample]:
        """The student's predictions; with ``eval_teacher`` each sample also
        carries the teacher's predictions in its ``teacher`` field."""
        predictions = self.student.predict(inputs, data_samples)
        if self.eval_teacher:
            for sample, teacher in zip(predictions,
                                       self.teacher.predict(inputs)):
                sample.set_field(teacher, 'teacher')
        return predictions


def _check_hyper_parameters(**values: float) -> None:
    """Temperatures (``*tau``) must be > 0, weights >= 0, all finite."""

    def valid(name: str, value: float) -> bool:
        lower_ok = value > 0 if name.endswith('tau') else value >= 0
        return math.isfinite(value) and lower_ok

    bad = {name: value for name, value in values.items()
           if not valid(name, value)}
    if bad:
        raise ValueError(f'SwitOKD: temperatures must be > 0 and weights '
                         f'>= 0, all finite; got {bad}')


def _matching_num_classes(student: nn.Module, teacher: nn.Module) -> int:
    counts = {name: getattr(getattr(net, 'head', None), 'num_classes', None)
              for name, net in (('student', student), ('teacher', teacher))}
    if None in counts.values():
        raise ValueError(f'SwitOKD: student and teacher must be classifiers '
                         f'with a classification head (head.num_classes); '
                         f'got {counts}')
    if counts['student'] != counts['teacher']:
        raise ValueError(f'SwitOKD: teacher and student must predict the '
                         f'same classes, but the student has '
                         f"{counts['student']} and the teacher "
                         f"{counts['teacher']}")
    return counts['student']


def _check_optim_wrapper(optim_wrapper, names) -> None:
    if not isinstance(optim_wrapper, SwitchableOptimWrapperDict):
        raise TypeError(
            'SwitOKD needs one optimizer per network: set optim_wrapper = '
            "dict(constructor='SwitOKDOptimWrapperConstructor', "
            'student=dict(optimizer=...), teacher=dict(optimizer=...)); got '
            f'{type(optim_wrapper).__name__}')
    missing = set(names) - set(optim_wrapper.keys())
    if missing:
        raise KeyError(f'SwitOKD: optim_wrapper has no entry for '
                       f'{sorted(missing)}')


def _is_norm_buffer(model: nn.Module, buffer_name: str) -> bool:
    module_name = buffer_name.rpartition('.')[0]
    return isinstance(model.get_submodule(module_name),
                      nn.modules.batchnorm._NormBase)


def _raise_non_finite(what: str) -> None:
    iteration = MessageHub.get_current_instance().get_info('iter')
    where = '' if iteration is None else f' at iteration {iteration + 1}'
    raise FloatingPointError(
        f'SwitOKD: {what} is not finite{where}; the run stops rather than '
        f'take a mode decision on NaN/Inf. Lower the learning rate, check '
        f'the data, or disable mixed precision.')


def _check_finite(values: Dict[str, Tensor], what: str) -> None:
    bad = [name for name, value in values.items()
           if not torch.isfinite(value).all()]
    if bad:
        _raise_non_finite(f"{what} ({', '.join(bad)})")
