"""The first stage of factor transfer (Kim, Park & Kwak, NeurIPS 2018): a
paraphraser learns to reconstruct a frozen teacher's feature maps, before
:class:`~switokd_mm.models.losses.feature.ft.FTLoss` transfers its factors
to a student."""
from typing import Dict, List, Optional, Union

import torch
from mmengine.optim import OptimWrapperDict
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample
from torch import Tensor

from switokd_mm.checkpoint.fit_checks import load_network_weights
from ..distill import FeatureRecorder, last_output
from ..utils import check_finite, check_optim_wrapper, update_learners
from .multi_network_model import MultiNetworkModel

#: the data-sample field of a sample's reconstruction error in validation
#: and test (read by the ``ReconstructionError`` metric)
ERROR_FIELD = 'reconstruction_error'


@MODELS.register_module()
class ParaphraserPretraining(MultiNetworkModel):
    """Train a paraphraser (e.g. :class:`~switokd_mm.models.losses.feature.
    ft.Paraphraser`) to reconstruct the features of one stage of a frozen,
    pre-trained teacher; the teacher's labels play no part.

    Loss: the mean squared error between the paraphraser's reconstruction
    and the teacher's features, as HobbitLong/RepDistiller's init stage for
    ``--distill factor`` (``train_student.py`` with ``helper/pretrain.py``:
    ``nn.MSELoss`` on the teacher's last feature map, SGD with lr 0.01,
    momentum 0.9, weight decay 5e-4, constant, for 30 epochs). The FT
    authors' own ``train_Paraphraser.py`` (Jangho-Kim/Factor-Transfer-
    pytorch) takes ``nn.L1Loss`` instead, with lr 0.1 for a few epochs.

    Learners: ``teacher`` (a classifier, frozen: no gradient, eval mode,
    no optimizer, loaded from ``teacher_ckpt`` by :meth:`init_weights`) and
    ``paraphraser`` (a ``module=`` learner with the role ``paraphraser``,
    stepped by its own optimizer: ``optim_wrapper = dict(constructor=
    'PerNetworkOptimWrapperConstructor', paraphraser=dict(optimizer=...))``).
    A training checkpoint holds ``teacher.*`` and ``paraphraser.*``; FTLoss
    takes the ``paraphraser.*`` weights of it.

    Validation and test score no classifier: each sample gets its mean
    squared reconstruction error in the field :data:`ERROR_FIELD`, which
    the ``ReconstructionError`` metric averages (``reconstruction/mse``).

    Args:
        teacher: config of the teacher classifier.
        teacher_ckpt: the teacher's trained weights, as ``OfflineKD``'s
            (a classifier checkpoint, or a multi-network training
            checkpoint's ``teacher.*`` weights); every weight must fit.
        paraphraser: config of the paraphraser, e.g. ``dict(type=
            'Paraphraser', in_channels=64, rate=0.5)``: ``forward`` maps the
            features to their reconstruction.
        layer: the teacher's module whose output is reconstructed, e.g.
            ``'backbone.stages.2'`` (WideResNet's last stage) or
            ``'backbone.layer3'`` (CifarResNet's); a tuple output gives its
            last tensor.
        data_preprocessor: config of the data preprocessor, by default
            mmpretrain's ``ClsDataPreprocessor``.
        init_cfg: mmengine initialisation config.
    """
    frozen = ('teacher', )
    required_roles = ('teacher', )
    first_evaluated_role = None
    reserved_names = ('layer', 'teacher_ckpt')

    def __init__(self,
                 teacher: dict,
                 teacher_ckpt: str,
                 paraphraser: dict,
                 layer: str,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        owner = type(self).__name__
        if not teacher_ckpt:
            raise ValueError(f"{owner} needs `teacher_ckpt`, the trained "
                             f"teacher's checkpoint")
        super().__init__(
            dict(
                teacher=dict(role='teacher', model=teacher),
                paraphraser=dict(role='paraphraser', module=paraphraser)),
            data_preprocessor=data_preprocessor,
            init_cfg=init_cfg)
        self.layer = layer
        self.recorders['teacher'] = FeatureRecorder(self.teacher, [layer],
                                                    'teacher')
        self.teacher_ckpt = teacher_ckpt
        self.teacher.requires_grad_(False)

    def init_weights(self) -> None:
        """Initialise the paraphraser; load the teacher from
        ``teacher_ckpt``."""
        super().init_weights()
        load_network_weights(self.teacher, self.teacher_ckpt, 'teacher')

    def train(self, mode: bool = True) -> 'ParaphraserPretraining':
        """Switch the paraphraser's mode; the teacher always stays in
        eval."""
        super().train(mode)
        self.teacher.eval()
        return self

    def teacher_features(self, inputs: Tensor) -> Tensor:
        """The teacher's float32 output at ``layer`` (no gradient)."""
        with torch.no_grad(), self.recorders['teacher'].recording() as out:
            self.teacher(inputs, mode='tensor')
        features = last_output(out.get(self.layer))
        if not isinstance(features, Tensor) or features.dim() != 4:
            raise TypeError(
                f'{type(self).__name__}: the teacher\'s {self.layer!r} gave '
                f'{type(features).__name__}, not a (B, C, H, W) feature '
                f'map (name one stage of the backbone)')
        return features.float()

    def reconstruction_errors(self, reconstruction: Tensor,
                              features: Tensor) -> Tensor:
        """Each sample's mean squared error, ``(B,)``."""
        if reconstruction.shape != features.shape:
            raise ValueError(
                f'{type(self).__name__}: the paraphraser maps the teacher\'s '
                f'{tuple(features.shape)} features to '
                f'{tuple(reconstruction.shape)}; its in_channels must be '
                f"the teacher's channels at {self.layer!r}")
        return (reconstruction.float() - features).pow(2).flatten(1).mean(1)

    def train_step(self, data: Union[dict, tuple, list],
                   optim_wrapper: OptimWrapperDict) -> Dict[str, Tensor]:
        """One step of the paraphraser towards the teacher's features."""
        check_optim_wrapper(optim_wrapper, ['paraphraser'],
                            type(self).__name__)
        data = self.data_preprocessor(data, True)
        features = self.teacher_features(data['inputs'])
        paraphraser = self.paraphraser
        with optim_wrapper['paraphraser'].optim_context(paraphraser):
            reconstruction = paraphraser(features)
        loss = self.reconstruction_errors(reconstruction, features).mean()
        check_finite({'paraphraser': loss},
                     f'{type(self).__name__}: the reconstruction loss')
        update_learners(optim_wrapper, {'paraphraser': loss})
        return {
            'paraphraser/loss_reconstruction': loss.detach(),
            'loss': loss.detach()
        }

    def forward(self,
                inputs: Tensor,
                data_samples: Optional[List[DataSample]] = None,
                mode: str = 'tensor'):
        """The reconstruction of the teacher's features (``mode='tensor'``)
        or the samples with their reconstruction errors (``'predict'``,
        what validation and test run). Training goes through
        ``train_step``."""
        features = self.teacher_features(inputs)
        reconstruction = self.paraphraser(features)
        if mode == 'tensor':
            return reconstruction
        if mode == 'predict':
            errors = self.reconstruction_errors(reconstruction, features)
            samples = data_samples if data_samples is not None else [
                DataSample() for _ in range(len(inputs))
            ]
            for sample, error in zip(samples, errors.detach()):
                sample.set_field(error, ERROR_FIELD)
            return samples
        raise RuntimeError(f'{type(self).__name__}.forward: invalid mode '
                           f"{mode!r}; use 'tensor' or 'predict' (training "
                           f'runs through train_step).')
