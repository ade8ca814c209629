"""SwitOKD with one teacher and one student, configured as in the paper."""
from mmpretrain.registry import MODELS

from .multi_network_model import TeacherStudentForm
from .multi_switokd import MultiSwitOKD


@MODELS.register_module()
class SwitOKD(TeacherStudentForm, MultiSwitOKD):
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
        eval_teacher: also predict with the teacher in validation and test;
            its predictions ride along in each sample's ``teacher`` field for
            :class:`PerNetworkMetric`.
        **kwargs: the other arguments of :class:`MultiSwitOKD` (``alpha``:
            the student's distillation weight, ``beta``: the teacher's in
            learning mode, ``tau``, ``gap_tau``, ``threshold``,
            ``require_teacher_ahead``, ``teacher_loss``,
            ``freeze_teacher_bn_in_expert``, ``data_preprocessor``,
            ``init_cfg``).
    """
