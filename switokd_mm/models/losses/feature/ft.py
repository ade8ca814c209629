"""Factor transfer (Kim, Park & Kwak, NeurIPS 2018: "Paraphrasing Complex
Network: Network Compression via Factor Transfer").

Two stages. First a paraphraser, an autoencoder of the frozen teacher's
feature maps, is trained to reconstruct them
(:class:`~switokd_mm.models.algorithms.paraphraser_pretraining.
ParaphraserPretraining`); its encoder output is the teacher's *factor*.
Then the student learns, beside its own loss, to match that factor through
a translator of its own features (:class:`FTLoss`, a distillation term of
e.g. ``OfflineKD``).

Architecture, as both released implementations build it (the authors'
``Models/FeatureProjection.py`` in Jangho-Kim/Factor-Transfer-pytorch and
``models/util.py`` in HobbitLong/RepDistiller): three 3x3 convolutions
(stride 1, padding 1), each followed by a LeakyReLU of slope 0.1, from the
teacher's channels C to C, C to k and k to k factor channels (k = rate * C,
rate 0.5); the decoder mirrors them with transposed 3x3 convolutions (k to
k, k to C, C to C), also each followed by the LeakyReLU; the translator is
the encoder's stack on the student's channels. Neither release normalises
the paraphraser (the authors' BatchNorm lines are commented out, and
RepDistiller builds it with ``use_bn=False``); RepDistiller's translator
has BatchNorm, the authors' has none. ``with_bn`` adds a BatchNorm after
every convolution of both; it is off by default: in training mode BatchNorm
mixes the samples of a batch, so a sample of weight 0 would still get a
gradient through the batch statistics.
"""
from typing import List, Optional, Sequence

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS
from torch import Tensor

from switokd_mm.checkpoint.fit_checks import load_network_weights
from .utils import l2_normalized, weighted_batch_mean

#: the LeakyReLU slope of both released implementations
NEGATIVE_SLOPE = 0.1


def factor_channels(channels: int, rate: float) -> int:
    """The paraphraser's factor channels for ``channels`` teacher channels
    (``round(rate * channels)``, as the authors' code).

    Raises:
        ValueError: ``rate`` leaves no channel.
    """
    count = int(round(rate * channels))
    if rate <= 0 or count < 1:
        raise ValueError(f'factor transfer: rate * channels must give at '
                         f'least one factor channel; got rate {rate} of '
                         f'{channels} channels')
    return count


def _conv_stack(channels: Sequence[int],
                transposed: bool = False,
                with_bn: bool = False) -> nn.Sequential:
    """3x3 convolutions (stride 1, padding 1) between consecutive
    ``channels``, each followed by an optional BatchNorm and the
    LeakyReLU."""
    conv = nn.ConvTranspose2d if transposed else nn.Conv2d
    layers: List[nn.Module] = []
    for in_channels, out_channels in zip(channels[:-1], channels[1:]):
        layers.append(conv(in_channels, out_channels, 3, 1, 1))
        if with_bn:
            layers.append(nn.BatchNorm2d(out_channels))
        layers.append(nn.LeakyReLU(NEGATIVE_SLOPE))
    return nn.Sequential(*layers)


@MODELS.register_module()
class Paraphraser(BaseModule):
    """The teacher-side autoencoder of factor transfer: ``encode`` maps the
    teacher's ``(B, C, H, W)`` features to its ``(B, k, H, W)`` factor,
    ``forward`` reconstructs the features from it.

    Args:
        in_channels: the teacher's channels C at the paraphrased stage.
        rate: the paraphrase rate, factor channels k = rate * C (the
            paper: 0.5).
        with_bn: a BatchNorm after every convolution (off in both releases).
        init_cfg: mmengine initialisation config.
    """

    def __init__(self,
                 in_channels: int,
                 rate: float = 0.5,
                 with_bn: bool = False,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.in_channels = in_channels
        self.factor_channels = factor_channels(in_channels, rate)
        k = self.factor_channels
        self.encoder = _conv_stack((in_channels, in_channels, k, k),
                                   with_bn=with_bn)
        self.decoder = _conv_stack((k, k, in_channels, in_channels),
                                   transposed=True,
                                   with_bn=with_bn)

    def encode(self, x: Tensor) -> Tensor:
        """The factor of ``x``, ``(B, k, H, W)``."""
        return self.encoder(x)

    def forward(self, x: Tensor) -> Tensor:
        """The reconstruction of ``x`` from its factor, ``(B, C, H, W)``."""
        return self.decoder(self.encoder(x))


@MODELS.register_module()
class Translator(BaseModule):
    """The student-side encoder of factor transfer: the student's
    ``(B, C_s, H, W)`` features to a factor of ``out_channels`` channels.

    Args:
        in_channels: the student's channels at the translated stage.
        out_channels: the paraphraser's factor channels.
        with_bn: a BatchNorm after every convolution (RepDistiller's
            translator has them, the authors' has none).
        init_cfg: mmengine initialisation config.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 with_bn: bool = False,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.encoder = _conv_stack(
            (in_channels, in_channels, out_channels, out_channels),
            with_bn=with_bn)

    def forward(self, x: Tensor) -> Tensor:
        return self.encoder(x)


@MODELS.register_module()
class FTLoss(BaseModule):
    """Factor transfer loss (the paper's FT loss): per sample,
    ``|| F_T / ||F_T||_2 - F_S / ||F_S||_2 ||_p`` of the flattened factors,
    ``F_T`` the frozen paraphraser's factor of the teacher's features and
    ``F_S`` the translator's of the student's; ``loss_weight`` times its
    batch mean (:func:`~.utils.weighted_batch_mean`).

    The paper's norm is followed, not the released code's mean: the
    authors' ``train_student.py`` takes ``nn.L1Loss`` of the normalised
    factors, a mean over the batch and the N = k * H * W factor elements,
    which is this loss (p = 1) divided by N; their beta = 500 is
    ``loss_weight = 500 / N`` here. The norm keeps the value the paper
    defines for every p (for p = 2 a mean of squares is another function,
    not a rescaling). RepDistiller's ``FactorTransfer`` is a third variant,
    which first reduces each factor to a spatial map (the channel mean of
    its squares).

    The loss owns both modules, so as a term's loss it becomes a submodule
    of the student (``distill_losses.<name>``): the translator trains with
    the student's optimizer; the paraphraser never does (no gradient, eval
    mode whatever the student's mode, encoded under ``no_grad``), and
    checkpoints hold both. The paraphraser's weights come from
    ``paraphraser_ckpt`` (exact fit, weights only, never code), loaded by
    :meth:`init_weights`, which the model's ``init_weights`` reaches
    through the student's ``distill_losses``; weights a state dict loads
    into it (a resumed run's checkpoint) count as loaded. A built model
    thus needs no file until it trains (config checks, ``tools/test.py``
    on a trained student).

    Args:
        student_channels: the student's channels at the distilled stage.
        teacher_channels: the teacher's channels there (the paraphraser's).
        rate: the paraphrase rate (factor channels = rate * teacher's).
        paraphraser_ckpt: the pre-trained paraphraser: a training checkpoint
            of ``ParaphraserPretraining`` (its ``paraphraser.*`` weights) or
            a paraphraser's own state dict.
        p: the norm of the factor difference (the paper: 1).
        loss_weight: the term's weight (the paper's beta).
        with_bn: BatchNorm in the paraphraser and the translator; must
            match the pre-trained paraphraser.
        init_cfg: mmengine initialisation config.

    Raises:
        ValueError: no ``paraphraser_ckpt``, or ``p < 1``.
    """

    def __init__(self,
                 student_channels: int,
                 teacher_channels: int,
                 rate: float = 0.5,
                 paraphraser_ckpt: Optional[str] = None,
                 p: float = 1,
                 loss_weight: float = 1.0,
                 with_bn: bool = False,
                 init_cfg: Optional[dict] = None) -> None:
        if not paraphraser_ckpt:
            raise ValueError(
                'FTLoss needs `paraphraser_ckpt`, a pre-trained paraphraser '
                'of the teacher: train one first with ParaphraserPretraining,'
                ' e.g. python tools/train.py configs/fashion_mnist/'
                'ft-paraphraser_wrn16-1_1xb128_fashion-mnist.py, and pass '
                'its last checkpoint')
        if not p >= 1:
            raise ValueError(f'FTLoss: p must be >= 1 (a norm), got {p}')
        super().__init__(init_cfg=init_cfg)
        self.student_channels = student_channels
        self.teacher_channels = teacher_channels
        self.paraphraser_ckpt = str(paraphraser_ckpt)
        self.p, self.loss_weight = p, loss_weight
        self.paraphraser = Paraphraser(teacher_channels, rate, with_bn)
        self.paraphraser.requires_grad_(False)
        self.translator = Translator(student_channels,
                                     self.paraphraser.factor_channels, with_bn)
        #: whether the paraphraser holds trained weights (from the file or
        #: a loaded state dict)
        self.paraphraser_loaded = False

    def init_weights(self) -> None:
        """Initialise the translator; load the paraphraser from
        ``paraphraser_ckpt``."""
        super().init_weights()
        self.load_paraphraser()

    def load_paraphraser(self) -> None:
        """Load every paraphraser weight from ``paraphraser_ckpt``.

        Raises:
            RuntimeError: the file does not hold the paraphraser's weights
                in their shapes (another rate, channel count or
                ``with_bn``).
        """
        load_network_weights(self.paraphraser, self.paraphraser_ckpt,
                             'paraphraser')
        self.paraphraser_loaded = True

    def _load_from_state_dict(self, state_dict: dict, prefix: str, *args,
                              **kwargs) -> None:
        """A state dict with the paraphraser's weights (a checkpoint of the
        run) replaces the file's."""
        if any(key.startswith(f'{prefix}paraphraser.') for key in state_dict):
            self.paraphraser_loaded = True
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def train(self, mode: bool = True) -> 'FTLoss':
        """Switch the translator's mode; the paraphraser stays in eval."""
        super().train(mode)
        self.paraphraser.eval()
        return self

    def forward(self,
                learner: Tensor,
                source: Tensor,
                weight: Optional[Tensor] = None) -> Tensor:
        """The loss of the student's ``(B, C_s, H, W)`` features ``learner``
        against the teacher's ``(B, C_t, H, W)`` ``source``, weighted per
        sample by ``weight`` ``(B,)``."""
        if (learner.dim() != 4 or source.dim() != 4
                or learner.size(1) != self.student_channels
                or source.size(1) != self.teacher_channels
                or len(learner) != len(source)
                or learner.shape[2:] != source.shape[2:]):
            raise ValueError(
                f"FTLoss: the student's and the teacher's features must be "
                f'(B, C, H, W) with {self.student_channels} and '
                f'{self.teacher_channels} channels and the same B, H and W;'
                f' got {tuple(learner.shape)} and {tuple(source.shape)}')
        if not self.paraphraser_loaded:
            raise RuntimeError(
                'FTLoss: the paraphraser is not loaded: init_weights() (the '
                f"model's, which the runner calls) loads it from "
                f'{self.paraphraser_ckpt}')
        with torch.no_grad():
            factor_t = self.paraphraser.encode(source)
        factor_s = self.translator(learner)
        difference = l2_normalized(factor_s) - l2_normalized(factor_t)
        per_sample = torch.linalg.vector_norm(difference, ord=self.p, dim=1)
        return self.loss_weight * weighted_batch_mean(per_sample, weight)
