"""An mmpretrain classifier's forward as segments, for stage-wise execution
(SAKD's graft network runs "segment k" of a teacher and of a student)."""
from typing import Iterator, Optional, Sequence, Tuple, Union, overload

import torch.nn as nn
from mmpretrain.models.classifiers import ImageClassifier
from mmpretrain.models.heads import LinearClsHead
from mmpretrain.models.necks import GlobalAveragePooling
from torch import Tensor

from .registry import find_stage_splitter
from .segment import LastOfTuple, OnTuple, Segment


class ClassifierSegments(Sequence[Segment]):
    """The segments of a classifier, in order (see
    :func:`split_classifier`); composed, they are its forward.

    Holds the classifier's own modules, not copies (and is no
    ``nn.Module``, so it adds no names to a ``state_dict``): build it where
    needed, on the network before any wrapper.
    """

    def __init__(self, segments: Sequence[Segment]) -> None:
        self._segments = tuple(segments)

    @overload
    def __getitem__(self, index: int) -> Segment:
        ...

    @overload
    def __getitem__(self, index: slice) -> Tuple[Segment, ...]:
        ...

    def __getitem__(self, index: Union[int, slice]):
        return self._segments[index]

    def __len__(self) -> int:
        return len(self._segments)

    def __iter__(self) -> Iterator[Segment]:
        return iter(self._segments)

    @property
    def stages(self) -> Tuple[Segment, ...]:
        """The stage segments (outputs f1 ... fn)."""
        return tuple(s for s in self._segments if s.kind == 'stage')

    @property
    def pooled(self) -> Segment:
        """The segment from the last stage output to the pooled vector."""
        return self._segments[-2]

    @property
    def logits(self) -> Segment:
        """The segment from the pooled vector to the logits."""
        return self._segments[-1]

    @property
    def names(self) -> Tuple[str, ...]:
        """The segments' names: ``('f1', ..., 'fn', 'f{n+1}', 'logits')``."""
        return tuple(s.name for s in self._segments)

    def run(self, x: Tensor, start: int = 0,
            stop: Optional[int] = None) -> Tensor:
        """Run segments ``start`` to ``stop - 1`` on ``x`` (the input of
        segment ``start``): by default the whole classifier."""
        for segment in self._segments[start:stop]:
            x = segment(x)
        return x

    __call__ = run

    def __repr__(self) -> str:
        return 'ClassifierSegments(\n' + ''.join(
            f'  {s!r},\n' for s in self._segments) + ')'


def split_classifier(classifier: nn.Module) -> ClassifierSegments:
    """Cut an mmpretrain ``ImageClassifier`` (backbone,
    ``GlobalAveragePooling`` neck, ``LinearClsHead``) into segments.

    With n backbone stages (f1 ... fn, the stage outputs that SAKD's
    feature spots use), the segments are, in order:

    - ``'f1'``: the stem and the first stage, input -> f1;
    - ``'f2'`` ... ``'fn'``: stage k, f(k-1) -> fk;
    - ``'f{n+1}'`` (kind ``'pooled'``): fn -> the pooled feature vector
      (through the backbone's tail, if any, and the neck): SAKD's vector
      spot (``f4`` of a three-stage CIFAR ResNet or WRN);
    - ``'logits'``: the pooled vector -> the logits (the head's fc).

    Composed, they are ``classifier(inputs, mode='tensor')`` exactly (same
    modules, same operations, in the same order), in train and eval mode.
    SAKD's graft segments are runs of consecutive segments: for the K
    spots f1, f2, f3 and the logits (AT, NST, VID), S_k = segment k for
    k < 3, and the last runs f4 to the logits (``run(h, 3)``); for the
    spots (pooled vector, logits) of CRD/RKD/PKT/CC, S_0 = ``run(x, 0,
    n + 1)`` and the last segment is the head's.

    Args:
        classifier: the classifier (before any DDP wrapper).

    Returns:
        ClassifierSegments: n + 2 segments.

    Raises:
        TypeError: not an ImageClassifier with that neck and head, or a
            backbone without a registered stage splitter (the message lists
            the supported backbones).
        ValueError: the backbone's ``out_indices`` do not end at its last
            stage, or a layout the splitter cannot cut.
    """
    if not isinstance(classifier, ImageClassifier):
        raise TypeError(f'stage-wise execution needs an mmpretrain '
                        f'ImageClassifier, got {type(classifier).__name__}')
    neck = getattr(classifier, 'neck', None)
    head = getattr(classifier, 'head', None)
    if not isinstance(neck, GlobalAveragePooling) or not isinstance(
            head, LinearClsHead):
        raise TypeError(f'stage-wise execution needs a GlobalAveragePooling '
                        f'neck and a LinearClsHead, got '
                        f'{type(neck).__name__} and {type(head).__name__}')
    backbone = classifier.backbone
    layout = find_stage_splitter(backbone)(backbone)
    segments = [
        Segment(f'f{i + 1}', 'stage', f'backbone.{stage.path}',
                stage.modules) for i, stage in enumerate(layout.stages)
    ]
    segments.append(
        Segment(
            f'f{len(layout.stages) + 1}',
            'pooled',
            'neck',
            layout.tail + (neck, ),
            steps=layout.tail + (LastOfTuple(neck), )))
    segments.append(
        Segment('logits', 'logits', 'head', (head, ), steps=(OnTuple(head), )))
    return ClassifierSegments(segments)
