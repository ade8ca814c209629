"""A pre-trained teacher that never changes: what offline distillers share."""
from switokd_mm.checkpoint.fit_checks import load_network_weights


class FrozenTeacherForm:
    """Mixin for a :class:`MultiNetworkModel` with a ``teacher`` loaded from
    a checkpoint and frozen: no gradient, no optimizer, eval mode
    (BatchNorm statistics fixed), so its parameters never change.

    Args:
        teacher_ckpt: the teacher's trained weights: a plain classifier
            checkpoint, e.g. from ``tools/model_converters/export_student.py
            --networks teacher`` or an mmpretrain training run, or a
            multi-network training checkpoint (its ``teacher.*`` weights are
            taken). Loaded by :meth:`init_weights`; every teacher weight
            must be in the file, in its shape, or loading fails.
        *args, **kwargs: the other arguments of the model.
    """
    frozen = ('teacher', )

    def __init__(self, *args, teacher_ckpt: str, **kwargs) -> None:
        if not teacher_ckpt:
            raise ValueError(f'{type(self).__name__} needs `teacher_ckpt`, '
                             f"the trained teacher's checkpoint")
        super().__init__(*args, **kwargs)
        self.teacher_ckpt = teacher_ckpt
        self.teacher.requires_grad_(False)

    def init_weights(self) -> None:
        """Initialise the other learners; load the teacher from
        ``teacher_ckpt``."""
        super().init_weights()
        load_network_weights(self.teacher, self.teacher_ckpt, 'teacher')

    def train(self, mode: bool = True):
        """Switch the learners' mode; the teacher always stays in eval."""
        super().train(mode)
        self.teacher.eval()
        return self
