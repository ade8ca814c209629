"""What every teacher-student model here shares: two mmpretrain
classifiers, targets, inference and input checks."""
import math
from typing import Dict, List, Optional, Sequence

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


class BaseDistiller(BaseModel):
    """A student and a teacher, both mmpretrain classifiers.

    Subclasses implement ``train_step``. Inference is the student's; with
    ``eval_teacher`` each predicted sample also carries the teacher's
    predictions in its ``teacher`` field (for :class:`PerNetworkMetric`).

    Args:
        student: config of the student classifier.
        teacher: config of the teacher classifier (same classes).
        eval_teacher: also predict with the teacher in validation and test.
        data_preprocessor: config of the data preprocessor, by default
            mmpretrain's ``ClsDataPreprocessor``.
        init_cfg: mmengine initialisation config.
    """

    def __init__(self,
                 student: dict,
                 teacher: Optional[dict] = None,
                 eval_teacher: bool = False,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(
            data_preprocessor=classifier_preprocessor(data_preprocessor),
            init_cfg=init_cfg)
        if teacher is None:
            raise ValueError(f'{type(self).__name__} needs a `teacher` '
                             f'classifier config next to `student`.')
        self.student = MODELS.build(student)
        self.teacher = MODELS.build(teacher)
        self.num_classes = self._matching_num_classes()
        self.eval_teacher = eval_teacher

    def _matching_num_classes(self) -> int:
        counts = {
            name: getattr(getattr(net, 'head', None), 'num_classes', None)
            for name, net in (('student', self.student), ('teacher',
                                                          self.teacher))
        }
        name = type(self).__name__
        if None in counts.values():
            raise ValueError(f'{name}: student and teacher must be '
                             f'classifiers with a classification head '
                             f'(head.num_classes); got {counts}')
        if counts['student'] != counts['teacher']:
            raise ValueError(f'{name}: teacher and student must predict the '
                             f'same classes, but the student has '
                             f"{counts['student']} and the teacher "
                             f"{counts['teacher']}")
        return counts['student']

    def _targets(self, data_samples: List[DataSample]) -> Tensor:
        return soft_targets(data_samples, self.num_classes)

    def forward(self,
                inputs: Tensor,
                data_samples: Optional[List[DataSample]] = None,
                mode: str = 'tensor'):
        """Student logits (``mode='tensor'``) or predictions (``'predict'``).

        Training goes through ``train_step`` only: the per-network updates
        cannot be expressed as one loss dict.
        """
        if mode == 'tensor':
            return self.student(inputs, mode='tensor')
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        raise RuntimeError(f'{type(self).__name__}.forward: invalid mode '
                           f"{mode!r}; use 'tensor' or 'predict' (training "
                           f'runs through train_step).')

    def predict(self,
                inputs: Tensor,
                data_samples: Optional[List[DataSample]] = None
                ) -> List[DataSample]:
        """The student's predictions; with ``eval_teacher`` each sample also
        carries the teacher's predictions in its ``teacher`` field."""
        # Through forward, not .predict: under distributed training each
        # network is a DDP wrapper, whose forward also syncs its buffers.
        predictions = self.student(inputs, data_samples, mode='predict')
        if self.eval_teacher:
            for sample, teacher in zip(predictions,
                                       self.teacher(inputs, mode='predict')):
                sample.set_field(teacher, 'teacher')
        return predictions


def classifier_preprocessor(cfg: Optional[dict]) -> dict:
    """The data preprocessor config, mmpretrain's ClsDataPreprocessor
    unless another type is given."""
    cfg = dict(cfg or {})
    cfg.setdefault('type', 'mmpretrain.ClsDataPreprocessor')
    return cfg


def soft_targets(data_samples: List[DataSample], num_classes: int) -> Tensor:
    """Target probabilities (B, K): soft scores from batch augments (Mixup,
    CutMix) when present, one-hot labels otherwise."""
    if 'gt_score' in data_samples[0]:
        return torch.stack([sample.gt_score for sample in data_samples])
    labels = torch.cat([sample.gt_label for sample in data_samples])
    return F.one_hot(labels, num_classes).float()


def average_over_ranks(values: Tensor, batch_size: int) -> Tensor:
    """Batch statistics averaged over all ranks, weighted by each rank's
    batch size, in one collective (identity in a single process), so that
    every rank takes the decision one process would take on the global
    batch.

    Args:
        values: this rank's statistics, any shape.
        batch_size: this rank's batch size.

    Returns:
        Tensor: the weighted means, same shape.
    """
    if get_world_size() == 1:
        return values
    packed = torch.cat([values.flatten(), values.new_ones(1)]) * batch_size
    all_reduce(packed, op='sum')
    return (packed[:-1] / packed[-1]).view_as(values)


def check_hyper_parameters(owner: str, **values: float) -> None:
    """Temperatures (``*tau``) must be > 0, weights >= 0, all finite."""

    def valid(name: str, value: float) -> bool:
        lower_ok = value > 0 if name.endswith('tau') else value >= 0
        return math.isfinite(value) and lower_ok

    bad = {
        name: value
        for name, value in values.items() if not valid(name, value)
    }
    if bad:
        raise ValueError(f'{owner}: temperatures must be > 0 and weights '
                         f'>= 0, all finite; got {bad}')


def check_optim_wrapper(optim_wrapper, names: Sequence[str],
                        owner: str) -> None:
    """Require one optimizer wrapper per network in ``names``."""
    if not isinstance(optim_wrapper, SwitchableOptimWrapperDict):
        raise TypeError(
            f'{owner} needs one optimizer per network: set optim_wrapper = '
            "dict(constructor='SwitOKDOptimWrapperConstructor', "
            'student=dict(optimizer=...), ...); got '
            f'{type(optim_wrapper).__name__}')
    missing = set(names) - set(optim_wrapper.keys())
    if missing:
        raise KeyError(f'{owner}: optim_wrapper has no entry for '
                       f'{sorted(missing)}')


def raise_non_finite(what: str) -> None:
    """Stop the run, naming the value and the iteration."""
    iteration = MessageHub.get_current_instance().get_info('iter')
    where = '' if iteration is None else f' at iteration {iteration + 1}'
    raise FloatingPointError(
        f'{what} is not finite{where}; the run stops rather than take a '
        f'decision on NaN/Inf. Lower the learning rate, check the data, or '
        f'disable mixed precision.')


def check_finite(values: Dict[str, Tensor], what: str) -> None:
    """:func:`raise_non_finite` for the named values that are not finite."""
    bad = [
        name for name, value in values.items()
        if not torch.isfinite(value).all()
    ]
    if bad:
        raise_non_finite(f"{what} ({', '.join(bad)})")


def is_norm_buffer(model: nn.Module, buffer_name: str) -> bool:
    """Whether a named buffer belongs to a normalisation layer."""
    module_name = buffer_name.rpartition('.')[0]
    return isinstance(
        model.get_submodule(module_name), nn.modules.batchnorm._NormBase)
