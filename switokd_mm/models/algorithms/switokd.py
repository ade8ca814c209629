"""SwitOKD with one teacher and one student, configured as in the paper."""
from typing import Optional

from mmpretrain.registry import MODELS

from .multi_network_model import teacher_and_student
from .multi_switokd import MultiSwitOKD


@MODELS.register_module()
class SwitOKD(MultiSwitOKD):
    """Switchable Online Knowledge Distillation (Qian et al., ECCV 2022).

    Each training iteration runs both networks on the batch, measures the
    distillation gap G and the threshold delta, and picks a mode:

    - learning mode (G <= delta): both networks learn, each from the labels
      and from the other (DML-like);
    - expert mode (G > delta, and by default dt < ds): only the student
      learns; the teacher gets no backward pass and no optimizer step, so its
      weights and optimizer state stay bit-identical.

    This is :class:`MultiSwitOKD` with the networks ``student`` and
    ``teacher`` (submodules, checkpoint keys and optimizer keys of those
    names; log keys ``switokd/gap``, ``switokd/delta``, ``switokd/ds``,
    ``switokd/dt``, ``switokd/expert``). The classifiers' own ``head.loss``
    settings are not used: both networks are trained with cross-entropy on
    one-hot labels (or the soft targets of Mixup/CutMix) plus distillation.

    Args:
        student: config of the student, an mmpretrain classifier.
        teacher: config of the teacher, an mmpretrain classifier with the
            same number of classes.
        alpha: weight of the student's distillation term.
        beta: weight of the teacher's distillation term (learning mode).
        tau: temperature of both distillation terms.
        gap_tau: temperature at which G, ds and dt are measured.
        threshold: config of the switching threshold, as for
            :class:`MultiSwitOKD`.
        require_teacher_ahead: pause the teacher only if it also fits the
            labels better than the student (``dt < ds``, released code).
        teacher_loss: ``'reciprocal'`` (Eq. 6) or ``'ce'`` (Eq. 5).
        freeze_teacher_bn_in_expert: keep the paused teacher's BatchNorm
            running statistics unchanged too.
        eval_teacher: also predict with the teacher in validation and test;
            its predictions ride along in each sample's ``teacher`` field for
            :class:`PerNetworkMetric`.
        data_preprocessor: config of the data preprocessor, by default
            mmpretrain's ``ClsDataPreprocessor``.
        init_cfg: mmengine initialisation config.
    """

    def __init__(self,
                 student: dict,
                 teacher: dict,
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
        networks, eval_networks = teacher_and_student(student, teacher,
                                                      eval_teacher)
        super().__init__(
            networks,
            alpha=alpha,
            beta=beta,
            tau=tau,
            gap_tau=gap_tau,
            threshold=threshold,
            require_teacher_ahead=require_teacher_ahead,
            teacher_loss=teacher_loss,
            freeze_teacher_bn_in_expert=freeze_teacher_bn_in_expert,
            eval_networks=eval_networks,
            data_preprocessor=data_preprocessor,
            init_cfg=init_cfg)
