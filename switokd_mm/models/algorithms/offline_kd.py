"""Offline knowledge distillation (Hinton et al., 2015): a frozen,
pre-trained teacher; the baseline the paper's Table 5 compares with."""
from typing import Dict, List, Optional, Union

from mmengine.optim import OptimWrapperDict
from mmpretrain.registry import MODELS
from torch import Tensor

from ..losses import ce_with_distillation, with_feature_terms
from ..utils import check_finite, check_hyper_parameters, update_learners
from .frozen_teacher import FrozenTeacherForm
from .multi_network_model import MultiNetworkModel, TeacherStudentForm


@MODELS.register_module()
class OfflineKD(FrozenTeacherForm, TeacherStudentForm, MultiNetworkModel):
    """Student loss ``alpha * CE(y, z_s) + (1 - alpha) * tau^2 *
    KL(p_t^tau || p_s^tau)`` (the paper's Table 1, row KD) with a frozen
    teacher: no gradient, eval mode (BatchNorm statistics fixed) and no
    optimizer, so its parameters never change.

    Args:
        student: config of the student classifier.
        teacher: config of the teacher classifier.
        teacher_ckpt: the teacher's trained weights
            (:class:`FrozenTeacherForm`).
        alpha: weight of the cross-entropy; ``1 - alpha`` weighs the
            distillation term.
        tau: distillation temperature (the paper uses 2-3 for KD).
        eval_teacher: also evaluate the (fixed) teacher.
        data_preprocessor: config of the data preprocessor.
        init_cfg: mmengine initialisation config.
        distill_terms: feature distillation terms (e.g. FitNet, AT) added
            to the student's loss (see :class:`MultiNetworkModel`).
    """
    def __init__(self,
                 student: dict,
                 teacher: dict,
                 teacher_ckpt: str,
                 alpha: float = 0.5,
                 tau: float = 3.0,
                 eval_teacher: bool = False,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None,
                 distill_terms: Optional[List[dict]] = None) -> None:
        check_hyper_parameters('OfflineKD', alpha=alpha, tau=tau)
        if alpha > 1:
            raise ValueError(f'OfflineKD: alpha must lie in [0, 1], got '
                             f'{alpha}')
        super().__init__(
            student,
            teacher,
            eval_teacher,
            teacher_ckpt=teacher_ckpt,
            data_preprocessor=data_preprocessor,
            init_cfg=init_cfg,
            distill_terms=distill_terms)
        self.alpha, self.tau = alpha, tau

    def train_step(
            self, data: Union[dict, tuple, list],
            optim_wrapper: OptimWrapperDict) -> Dict[str, Tensor]:
        """One step of the student towards labels and the frozen teacher."""
        logits, targets = self._forward_all(data, optim_wrapper)
        losses = with_feature_terms(
            ce_with_distillation(
                logits['student'],
                logits['teacher'],
                targets,
                1 - self.alpha,
                self.tau,
                ce_weight=self.alpha), self.feature_losses('student'))
        check_finite({'student': losses['loss']}, 'OfflineKD: the loss')
        update_learners(optim_wrapper, {'student': losses['loss']})
        log_vars = {f'student/{k}': v.detach() for k, v in losses.items()}
        log_vars['loss'] = losses['loss'].detach()
        return log_vars
