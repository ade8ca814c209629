"""Deep Mutual Learning (Zhang et al., CVPR 2018) as a registered model."""
from mmpretrain.registry import MODELS

from .switokd import SwitOKD


@MODELS.register_module()
class DML(SwitOKD):
    """DML: SwitOKD that never pauses the teacher.

    Both networks learn from the labels and from each other every
    iteration: ``CE(y, z_s) + alpha * tau^2 * KL(p_t || p_s)`` and
    ``CE(y, z_t) + beta * tau^2 * KL(p_s || p_t)`` (the paper's Table 1,
    row DML, with alpha = beta = 1). Same code path, logging and
    checkpoints as SwitOKD, so comparisons differ in the method only; the
    gap statistics are still logged.

    Args:
        **kwargs: the arguments of :class:`SwitOKD` but ``threshold``.
    """

    def __init__(self, **kwargs) -> None:
        if 'threshold' in kwargs:
            raise ValueError('DML never switches; it takes no `threshold`')
        super().__init__(threshold=dict(type='NeverSwitch'), **kwargs)
