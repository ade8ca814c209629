"""Spot-adaptive knowledge distillation (Song et al., "Spot-adaptive
Knowledge Distillation", IEEE TIP 2022), as the released code
(zju-vipa/spot-adaptive-pytorch, ``train.py``) computes it."""
from contextlib import contextmanager
from typing import Dict, Iterator, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F
from mmengine.optim import OptimWrapperDict
from mmpretrain.registry import MODELS
from torch import Tensor

from ..distill import (FeatureRecorder, build_terms, last_output,
                       recorded_paths, term_losses)
from ..losses import distillation_kl
from ..losses.feature.utils import weighted_batch_mean
from ..sakd import SpotPolicy, policy_losses
from ..staged import ClassifierSegments, split_classifier
from ..utils import (average_over_ranks, check_finite, check_hyper_parameters,
                     soft_targets, update_learners)
from .frozen_teacher import FrozenTeacherForm
from .multi_network_model import MultiNetworkModel, TeacherStudentForm

#: the learner of the routing layer and the graft adapters
POLICY = 'policy'
#: the logit spot's name (the last of the K spots)
LOGITS = 'logits'
#: the prefix of SAKD's log keys
PREFIX = 'sakd'


@MODELS.register_module()
class SpotAdaptiveKD(FrozenTeacherForm, TeacherStudentForm,
                     MultiNetworkModel):
    """Offline distillation where a policy decides, per sample and per spot,
    whether the student learns from the frozen teacher there.

    The K spots are the config's feature spots (segments of
    :func:`~switokd_mm.models.staged.split_classifier`: ``'f1'`` ...
    stage outputs, ``'f{n+1}'`` the pooled vector), each with a registered
    feature distiller, and the logits. Per iteration:

    - the policy (learner ``policy``, :class:`~switokd_mm.models.sakd.
      SpotPolicy`) takes hard Gumbel-softmax decisions ``a`` ``(B, K)``
      from both networks' detached pooled features;
    - student (decisions detached, ``m = a``, or ``1 - a`` with
      ``reverse``): ``CE(z_s, y) + sum_k loss_k(weight=m_k) + alpha *
      mean_b(m_b,K * tau^2 * KL(p_t || p_s))``; each feature distiller
      weighs its samples with ``m_k`` (per-sample losses: the selected
      samples' sum over B; relational ones: n/B times the loss on the
      selected), its ``loss_weight`` is the released ``beta``;
    - policy: the graft network (:func:`~switokd_mm.models.sakd.
      graft_forward`; the student in eval mode, its parameters untouched)
      gives ``z_g``; ``gamma * CE(z_g)`` if above the student's CE,
      ``CE(z_g) / gamma`` if below, plus ``max(0, B/2 - sum_b a_b,K)``.

    With ``adaptive=False`` every sample is distilled at every spot and no
    policy exists: the same distillers without spot adaptation (the
    released ``train_baseline.py``).

    The share of samples distilled at each spot is logged per iteration
    (``sakd/share_<spot>``), and written exactly by
    :class:`~switokd_mm.engine.hooks.SpotShareLoggerHook`.

    Args:
        student: config of the student classifier.
        teacher: config of the teacher classifier (as many stages).
        teacher_ckpt: the teacher's trained weights
            (:class:`FrozenTeacherForm`).
        spots: feature spot name -> ``dict(loss=<registered feature loss>,
            connector=<optional, maps the student's feature>)``, e.g.
            ``dict(f1=dict(loss=dict(type='ATLoss', loss_weight=1000.)))``;
            empty: the logit spot alone (KD-only spots).
        alpha: weight of the logit KD term (released ``kd_weight``).
        tau: the KD temperature T (released: 4).
        gamma: the policy's ``classify_weight``.
        gumbel_tau: the Gumbel-softmax temperature (released: 5).
        homo: start with every spot distilled (same-family pairs).
        reverse: distil where the policy says not to (the released
            ``train_reverse.py``).
        adaptive: False: distil every sample at every spot, no policy.
        input_shape: ``(C, H, W)`` of one input, to size the adapters.
        eval_teacher: also evaluate the (fixed) teacher.
        data_preprocessor: config of the data preprocessor.
        init_cfg: mmengine initialisation config.
    """
    reserved_names = (POLICY, )

    def __init__(self,
                 student: dict,
                 teacher: dict,
                 teacher_ckpt: str,
                 spots: Dict[str, dict],
                 alpha: float = 1.0,
                 tau: float = 4.0,
                 gamma: float = 1.0,
                 gumbel_tau: float = 5.0,
                 homo: bool = True,
                 reverse: bool = False,
                 adaptive: bool = True,
                 input_shape: Sequence[int] = (3, 32, 32),
                 eval_teacher: bool = False,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        owner = type(self).__name__
        check_hyper_parameters(
            owner, alpha=alpha, tau=tau, gumbel_tau=gumbel_tau)
        if not gamma > 0:
            raise ValueError(f'{owner}: gamma must be > 0, got {gamma}')
        super().__init__(
            student,
            teacher,
            eval_teacher,
            teacher_ckpt=teacher_ckpt,
            data_preprocessor=data_preprocessor,
            init_cfg=init_cfg)
        self.alpha, self.tau, self.gamma = alpha, tau, gamma
        self.reverse, self.adaptive = reverse, adaptive
        #: each classifier's segments, on its own modules (not wrappers)
        self.segments = {
            name: split_classifier(net)
            for name, net in self.nets.items()
        }
        self.cuts = _spot_cuts(spots, self.segments, owner)
        #: the K spots' names: the feature spots in network order, logits
        self.spot_names = [self.segments['student'].names[c]
                           for c in self.cuts] + [LOGITS]
        self.terms = build_terms([
            dict(
                source=f"teacher.{self.segments['teacher'][cut].path}",
                target=f"student.{self.segments['student'][cut].path}",
                name=name,
                **spots[name])
            for name, cut in zip(self.spot_names, self.cuts)
        ], self.nets, owner)
        pooled = {
            name: segments.pooled.path
            for name, segments in self.segments.items()
        }
        self.recorders = {
            name: FeatureRecorder(
                net,
                recorded_paths(self.terms, name) + [pooled[name]], name)
            for name, net in self.nets.items()
        }
        if adaptive:
            shapes = _feature_shapes(self.segments, input_shape)
            self.add_module(
                POLICY,
                SpotPolicy(
                    shapes['teacher'][-2][0],
                    shapes['student'][-2][0],
                    [(shapes['student'][c], shapes['teacher'][c])
                     for c in self.cuts],
                    temperature=gumbel_tau,
                    homo=homo))
            self.roles[POLICY] = POLICY
        #: the last iteration's share of samples distilled at each spot
        self.last_shares: Dict[str, float] = {}

    def train_step(self, data: Union[dict, tuple, list],
                   optim_wrapper: OptimWrapperDict) -> Dict[str, Tensor]:
        """One iteration: the decisions, the policy's and the student's
        losses, then their updates (the policy's first, as released)."""
        inputs, data_samples = self._preprocess(data)
        logits = self._run_networks(inputs, optim_wrapper)
        targets = soft_targets(data_samples, self.num_classes)
        student_ce = F.cross_entropy(logits['student'], targets)
        losses: Dict[str, Dict[str, Tensor]] = {}
        if self.adaptive:
            decisions, graft_logits = self._route(inputs, optim_wrapper)
            losses[POLICY] = policy_losses(
                F.cross_entropy(graft_logits, targets), student_ce,
                self.gamma, decisions[:, -1])
            chosen = decisions.detach()
            masks = 1 - chosen if self.reverse else chosen
        else:
            masks = inputs.new_ones(len(inputs), len(self.spot_names))
        losses['student'] = self._student_losses(logits, student_ce, masks)
        totals = {name: sum(parts.values()) for name, parts in losses.items()}
        check_finite(totals, f'{type(self).__name__}: the loss')
        update_learners(optim_wrapper, totals)

        shares = average_over_ranks(masks.float().mean(0), len(masks))
        self.last_shares = dict(zip(self.spot_names, shares.tolist()))
        log_vars = {
            f'{PREFIX}/share_{spot}': share.detach()
            for spot, share in zip(self.spot_names, shares)
        }
        for name, parts in losses.items():
            log_vars.update(
                {f'{name}/{k}': v.detach()
                 for k, v in parts.items()})
            log_vars[f'{name}/loss'] = totals[name].detach()
        log_vars['loss'] = totals['student'].detach()
        return log_vars

    def _route(self, inputs: Tensor, optim_wrapper: OptimWrapperDict
               ) -> Tuple[Tensor, Tensor]:
        """The policy's decisions and the graft network's logits."""
        pooled = {
            name: last_output(
                self.recorders[name].outputs[segments.pooled.path]).float()
            for name, segments in self.segments.items()
        }
        policy = getattr(self, POLICY)
        with self._student_as_graft_path(), \
                optim_wrapper[POLICY].optim_context(policy):
            decisions, graft_logits = policy(pooled['teacher'],
                                             pooled['student'], inputs,
                                             self.segments['student'],
                                             self.segments['teacher'],
                                             self.cuts)
        return decisions.float(), graft_logits.float()

    @contextmanager
    def _student_as_graft_path(self) -> Iterator[None]:
        """The student in eval mode and without gradients for its own
        parameters while the graft network runs: the policy loss trains
        the policy alone (the released code discards those gradients), and
        the student's DDP sees no backward outside its own forward."""
        student = self.nets['student']
        flags = [(p, p.requires_grad) for p in student.parameters()]
        student.eval()
        for param, _ in flags:
            param.requires_grad_(False)
        try:
            yield
        finally:
            for param, flag in flags:
                param.requires_grad_(flag)
            student.train(self.training)

    def _student_losses(self, logits: Dict[str, Tensor], student_ce: Tensor,
                        masks: Tensor) -> Dict[str, Tensor]:
        features = {
            name: rec.outputs
            for name, rec in self.recorders.items()
        }
        weights = dict(zip(self.spot_names, masks.unbind(1)))
        losses = dict(loss_ce=student_ce)
        losses.update(
            term_losses(self.terms, 'student', features, self.sample_idx,
                        weights))
        per_sample_kl = distillation_kl(
            logits['student'], logits['teacher'], self.tau, reduce=False)
        losses['loss_kd'] = self.alpha * weighted_batch_mean(
            per_sample_kl, masks[:, -1])
        return losses


def _spot_cuts(spots: Dict[str, dict],
               segments: Dict[str, ClassifierSegments],
               owner: str) -> List[int]:
    """The segment index of each feature spot, in network order.

    Raises:
        ValueError: networks with different numbers of stages, a spot that
            names no feature segment, or a spot without a loss.
    """
    student, teacher = segments['student'], segments['teacher']
    if student.names != teacher.names:
        raise ValueError(f'{owner}: the student and the teacher must have as '
                         f'many stages (segments {student.names} and '
                         f'{teacher.names})')
    features = student.names[:-1]
    if not isinstance(spots, dict):
        raise ValueError(f'{owner}: spots must be a dict of feature spots '
                         f'of {list(features)} (empty: the logits alone)')
    for name, spec in spots.items():
        if name not in features:
            raise ValueError(f'{owner}: spot {name!r} is not a feature spot '
                             f'of these networks ({list(features)})')
        if not isinstance(spec, dict) or 'loss' not in spec or set(
                spec) - {'loss', 'connector'}:
            raise ValueError(f'{owner}: spot {name!r} needs dict(loss=..., '
                             f'connector=<optional>); got {spec!r}')
    return sorted(features.index(name) for name in spots)


@torch.no_grad()
def _feature_shapes(segments: Dict[str, ClassifierSegments],
                    input_shape: Sequence[int]) -> Dict[str, List[tuple]]:
    """Each network's segment output shapes (without the batch) on a zero
    batch of two, in eval mode (no BatchNorm statistic changes)."""
    shapes = {}
    for name, network in segments.items():
        modules = [m for segment in network for m in segment.modules]
        modes = [(m, m.training) for m in modules]
        for module in modules:
            module.eval()
        try:
            x = torch.zeros(2, *input_shape)
            shapes[name] = []
            for segment in network:
                x = segment(x)
                shapes[name].append(tuple(x.shape[1:]))
        finally:
            for module, mode in modes:
                module.train(mode)
    return shapes
