"""SwitOKD: a teacher and a student trained together, the teacher paused
whenever the distillation gap grows past an adaptive threshold."""
from typing import Dict, Optional, Union

import torch
from mmpretrain.registry import MODELS
from torch import Tensor

from switokd_mm.engine.optim_wrappers import SwitchableOptimWrapperDict
from ..losses import ce_with_distillation
from ..switching import GapStatistics, expert_gate, gap_statistics
from .base_distiller import (BaseDistiller, average_over_ranks, check_finite,
                             check_hyper_parameters, check_optim_wrapper,
                             is_norm_buffer, raise_non_finite)

TEACHER_LOSSES = ('reciprocal', 'ce')


@MODELS.register_module()
class SwitOKD(BaseDistiller):
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
        threshold: config of the switching threshold (registered in
            mmpretrain's MODELS): ``AdaptiveThreshold`` (Eq.
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
        super().__init__(student, teacher, eval_teacher, data_preprocessor,
                         init_cfg)
        check_hyper_parameters(
            type(self).__name__,
            alpha=alpha,
            beta=beta,
            tau=tau,
            gap_tau=gap_tau)
        if teacher_loss not in TEACHER_LOSSES:
            raise ValueError(f'{type(self).__name__}: teacher_loss must be '
                             f'one of {TEACHER_LOSSES}, got {teacher_loss!r}')
        self.alpha, self.beta = alpha, beta
        self.tau, self.gap_tau = tau, gap_tau
        self.threshold = MODELS.build(threshold)
        self.require_teacher_ahead = require_teacher_ahead
        self.teacher_loss = teacher_loss
        self.freeze_teacher_bn_in_expert = freeze_teacher_bn_in_expert
        # Switching state, saved in checkpoints with the weights so that a
        # resumed run counts modes and switches exactly as an unbroken one.
        self.register_buffer('num_iters', torch.zeros((), dtype=torch.long))
        self.register_buffer('num_expert_iters',
                             torch.zeros((), dtype=torch.long))
        self.register_buffer('num_switches', torch.zeros((), dtype=torch.long))
        # -1 before the first iteration, then 0 (learning) or 1 (expert).
        self.register_buffer('last_mode', torch.full((), -1, dtype=torch.long))

    def train_step(
            self, data: Union[dict, tuple, list],
            optim_wrapper: SwitchableOptimWrapperDict) -> Dict[str, Tensor]:
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
        check_optim_wrapper(optim_wrapper, ('student', 'teacher'),
                            type(self).__name__)
        data = self.data_preprocessor(data, True)
        inputs, data_samples = data['inputs'], data['data_samples']
        targets = self._targets(data_samples)

        # Each forward runs in its own wrapper's context (autocast under AMP,
        # no_sync while accumulating gradients); losses and statistics are
        # then computed in float32.
        with optim_wrapper['student'].optim_context(self.student):
            student_logits = self.student(inputs, mode='tensor').float()
        bn_state = (
            self._teacher_bn_state()
            if self.freeze_teacher_bn_in_expert else None)
        with optim_wrapper['teacher'].optim_context(self.teacher):
            teacher_logits = self.teacher(inputs, mode='tensor').float()

        stats = self._synchronise(
            gap_statistics(student_logits.detach(), teacher_logits.detach(),
                           targets, self.gap_tau), targets.size(0))
        delta = self.threshold(stats.ds, stats.dt)
        check_finite({
            'gap G': stats.gap,
            'ds': stats.ds,
            'dt': stats.dt
        }, 'SwitOKD: the switching statistics')
        if torch.isnan(delta):
            raise_non_finite('SwitOKD: the switching threshold delta')
        expert = expert_gate(stats.gap, delta, stats.ds, stats.dt,
                             self.require_teacher_ahead)

        if expert:
            # Nothing backpropagates through the teacher: free its graph and
            # saved activations before the student's backward pass. Its loss
            # is still reported, so that its curve is continuous.
            teacher_logits = teacher_logits.detach()
        student_losses = ce_with_distillation(student_logits, teacher_logits,
                                              targets, self.alpha, self.tau)
        teacher_losses = ce_with_distillation(
            teacher_logits, student_logits, targets,
            self.beta if self.teacher_loss == 'reciprocal' else None, self.tau)
        check_finite(
            {
                'student': student_losses['loss'],
                'teacher': teacher_losses['loss']
            }, 'SwitOKD: the loss')

        losses = {'student': student_losses['loss']}
        if not expert:
            losses['teacher'] = teacher_losses['loss']
        elif bn_state is not None:
            self._load_teacher_bn_state(bn_state)
        optim_wrapper.update_params(losses)
        self._record_mode(expert)

        log_vars = {
            f'student/{k}': v.detach()
            for k, v in student_losses.items()
        }
        log_vars.update({
            f'teacher/{k}': v.detach()
            for k, v in teacher_losses.items()
        })
        log_vars.update({
            'loss': student_losses['loss'].detach(),
            'switokd/gap': stats.gap.item(),
            'switokd/delta': delta.item(),
            'switokd/ds': stats.ds.item(),
            'switokd/dt': stats.dt.item(),
            'switokd/expert': float(expert),
        })
        return log_vars

    def _synchronise(self, stats: GapStatistics,
                     batch_size: int) -> GapStatistics:
        """G, ds and dt averaged over ranks (see average_over_ranks)."""
        return GapStatistics(
            *average_over_ranks(torch.stack(stats), batch_size))

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
            if is_norm_buffer(self.teacher, name)
        }

    def _load_teacher_bn_state(self, state: Dict[str, Tensor]) -> None:
        buffers = dict(self.teacher.named_buffers())
        for name, value in state.items():
            buffers[name].copy_(value)
