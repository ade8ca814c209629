"""FFSD: online distillation with a student leader trained from a fusion
of its peers (Li et al., "Distilling a Powerful Student Model via Online
Knowledge Distillation", IEEE TNNLS 2022), as the released code
(SJLeo/FFSD, ``CIFARTrainer.py``) computes it."""
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapperDict
from mmpretrain.registry import MODELS
from torch import Tensor

from ..distill import CONNECTORS, FeatureRecorder, attach
from ..ffsd import (attention, distance, diversity, shifted_features,
                    warmup_factor)
from ..losses import distillation_kl
from ..utils import check_finite, check_hyper_parameters, update_learners
from .multi_network_model import MultiNetworkModel

#: the leader's training-only head (in its ``distill_connectors``)
TRANS_FUSION = 'trans_fusion'
#: the learner of the fusion module
FUSION = 'fusion'
#: where a feature of several networks is read
Features = Dict[str, List[Tensor]]


@MODELS.register_module()
class FFSD(MultiNetworkModel):
    """Feature fusion and self-distillation.

    Learners: m students (role ``student``, at least 2) and a leader (role
    ``leader``) of one architecture, given as classifiers in ``networks``;
    the model adds the fusion module (learner ``fusion``), a decoder for
    every student but the first and for the leader (learners
    ``decoder_<network>``) and the leader's trans-fusion head (a
    training-only part of the leader, stepped by its optimizer and left out
    by export). ``F^1 ... F^K`` are the outputs of ``stages``; ``A``,
    ``d``, ``sigma`` and ``Phi`` are those of :mod:`switokd_mm.models.ffsd`;
    every lambda is multiplied by :func:`warmup_factor` of the epoch.

    Per iteration, every loss from one forward of all networks:

    - student i: ``CE + 1/(m-1) sum_{j != i} KL_T(z_j || z_i)`` and, for
      ``i >= 1``, ``lambda_div (L_div + L_sd)``: ``L_div`` =
      :func:`diversity` of its last attention against the previous
      student's, ``L_sd = sum_{k<K} d(A(F_i^k), A(G^k))`` with ``G`` the
      decoder of student i (eval mode, no gradient) applied to
      ``Phi(F_{i-1}^K)``. Released quirk: ``lambda_div`` weighs ``L_sd``;
      ``student_sd_weight='lambda_sd'`` takes ``lambda_sd`` instead.
    - fusion module (on the students' detached last features ``U``):
      ``CE + KL_T(mean of the students' z || z_fus)``.
    - leader: ``CE + KL_T(z_fus || z_L) + lambda_fus (d(A(F_L^K),
      A(F_fus)) + d(A(TF(F_L^K)), A(U)) + sum_{k<K} d(A(F_L^k),
      A(D_L(F_fus)^k)))``, the leader's decoder in eval mode.
    - then each decoder, in train mode, on its own network's detached
      features: ``lambda_sd sum_{k<K} (d(G^k, F^k) + d(A(G^k), A(F^k)))``
      with ``G = D(F^K)``.

    The released order of updates (students, fusion module, leader,
    decoders) is kept; as every loss comes from the same forward, it does
    not change the result. The warm-up reads the training epoch from
    mmengine's ``MessageHub`` (``'epoch'``, set by the runner's
    ``RuntimeInfoHook``).

    Args:
        networks: the leader and the students, ``dict(role='leader' or
            'student', model=<classifier>)`` each; students in order.
        stages: the module paths of the stage outputs ``F^1 ... F^K`` in
            each network (e.g. ``backbone.layer1`` ... ``layer3``).
        stage_channels: the channels of ``F^K`` (the decoders halve them
            ``K - 1`` times).
        tau: the KL temperature T.
        lambda_div: weight of the diversity loss.
        lambda_sd: weight of the decoders' loss.
        lambda_fus: weight of the leader's feature terms.
        warmup_epochs: epochs of the loss weights' warm-up.
        student_sd_weight: ``'lambda_div'`` (released) or ``'lambda_sd'``.
        eval_networks: networks validation reports, the leader first
            (default: the leader, then the students).
        data_preprocessor: config of the data preprocessor.
        init_cfg: mmengine initialisation config.
    """
    required_roles = ('leader', 'student')
    first_evaluated_role = 'leader'
    reserved_names = ('stages', 'tau', 'lambdas', 'student_sd_weight',
                      'warmup_epochs', 'leader_name', 'heads')

    def __init__(self,
                 networks: Dict[str, dict],
                 stages: Sequence[str],
                 stage_channels: int,
                 tau: float = 2.0,
                 lambda_div: float = 1e-5,
                 lambda_sd: float = 1000.0,
                 lambda_fus: float = 10.0,
                 warmup_epochs: int = 5,
                 student_sd_weight: str = 'lambda_div',
                 eval_networks: Optional[List[str]] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        owner = type(self).__name__
        check_hyper_parameters(
            owner,
            tau=tau,
            lambda_div=lambda_div,
            lambda_sd=lambda_sd,
            lambda_fus=lambda_fus)
        if student_sd_weight not in ('lambda_div', 'lambda_sd'):
            raise ValueError(f"{owner}: student_sd_weight must be "
                             f"'lambda_div' (released) or 'lambda_sd'; got "
                             f'{student_sd_weight!r}')
        if len(stages) < 2 or warmup_epochs < 0:
            raise ValueError(f'{owner}: needs at least two stages and '
                             f'warmup_epochs >= 0')
        students, leaders = _classifiers_by_role(networks, owner)
        learners = dict(networks)
        num_classes = _num_classes(networks[leaders[0]], owner)
        learners[FUSION] = dict(
            role=FUSION,
            module=dict(
                type='FusionModule',
                channels=stage_channels,
                num_students=len(students),
                num_classes=num_classes))
        for name in students[1:] + leaders:
            learners[f'decoder_{name}'] = dict(
                role='decoder',
                module=dict(
                    type='FeatureDecoder',
                    channels=stage_channels,
                    num_blocks=len(stages) - 1))
        super().__init__(
            learners,
            eval_networks=eval_networks,
            data_preprocessor=data_preprocessor,
            init_cfg=init_cfg)
        self.leader_name = leaders[0]
        head = MODELS.build(
            dict(
                type='TransFusionHead',
                channels=stage_channels,
                num_students=len(students)))
        attach(self.nets[self.leader_name], CONNECTORS, TRANS_FUSION, head)
        #: the leader's training-only head, reachable when DDP wraps it
        self.heads = {TRANS_FUSION: head}
        self.stages = list(stages)
        self.recorders = {
            name: FeatureRecorder(net, self.stages, name)
            for name, net in self.nets.items()
        }
        self.tau, self.warmup_epochs = tau, warmup_epochs
        self.lambdas = dict(div=lambda_div, sd=lambda_sd, fus=lambda_fus)
        self.student_sd_weight = student_sd_weight.removeprefix('lambda_')

    def train_step(self, data: Union[dict, tuple, list],
                   optim_wrapper: OptimWrapperDict) -> Dict[str, Tensor]:
        """One iteration: every loss from one forward, then the updates in
        the released order (students, fusion module, leader, decoders)."""
        logits, targets = self._forward_all(data, optim_wrapper)
        features = self._stage_features()
        factor = warmup_factor(
            current_epoch(type(self).__name__) + 1, self.warmup_epochs)
        lambdas = {k: v * factor for k, v in self.lambdas.items()}
        students = self.students
        fused_input = torch.cat([features[s][-1].detach() for s in students],
                                1)
        fusion = getattr(self, FUSION)
        with optim_wrapper[FUSION].optim_context(fusion):
            fused, fusion_logits = fusion(fused_input)
        fused, fusion_logits = fused.float(), fusion_logits.float()

        terms: Dict[str, Dict[str, Tensor]] = {}
        for index, name in enumerate(students):
            terms[name] = self._student_terms(index, logits, targets, features,
                                              lambdas)
        average = torch.stack([logits[s] for s in students]).mean(0)
        terms[FUSION] = dict(
            loss_ce=self._ce(fusion_logits, targets),
            loss_kd=distillation_kl(fusion_logits, average, self.tau))
        terms[self.leader_name] = self._leader_terms(logits, targets, features,
                                                     fused, fusion_logits,
                                                     fused_input, lambdas,
                                                     optim_wrapper)
        losses = {name: sum(parts.values()) for name, parts in terms.items()}
        check_finite(losses, 'FFSD: the loss')
        update_learners(optim_wrapper, losses)

        decoder_terms = {
            f'decoder_{name}':
            self._decoder_terms(name, features, lambdas, optim_wrapper)
            for name in students[1:] + [self.leader_name]
        }
        decoder_losses = {
            name: sum(parts.values())
            for name, parts in decoder_terms.items()
        }
        check_finite(decoder_losses, 'FFSD: the decoder loss')
        update_learners(optim_wrapper, decoder_losses)

        terms.update(decoder_terms)
        losses.update(decoder_losses)
        log_vars = {'ffsd/warmup': torch.tensor(factor)}
        for name, parts in terms.items():
            log_vars.update({
                f'{name}/{k}': v.detach()
                for k, v in parts.items()
            })
            log_vars[f'{name}/loss'] = losses[name].detach()
        # the product of the method: what a run's 'loss' follows
        log_vars['loss'] = losses[self.leader_name].detach()
        return log_vars

    def _stage_features(self) -> Features:
        """Each network's recorded stage outputs, ``F^1 ... F^K``, in
        float32."""
        features = {}
        for name, recorder in self.recorders.items():
            outputs = [recorder.outputs.get(path) for path in self.stages]
            if not all(
                    isinstance(o, Tensor) and o.dim() == 4 for o in outputs):
                raise TypeError(
                    f'FFSD: every stage of {self.stages} must give a (B, C, '
                    f'H, W) feature map in {name!r}')
            features[name] = [o.float() for o in outputs]
        return features

    def _ce(self, logits: Tensor, targets: Tensor) -> Tensor:
        return torch.nn.functional.cross_entropy(logits, targets)

    def _student_terms(self, index: int, logits: Dict[str, Tensor],
                       targets: Tensor, features: Features,
                       lambdas: Dict[str, float]) -> Dict[str, Tensor]:
        students = self.students
        name = students[index]
        peers = [s for s in students if s != name]
        terms = dict(
            loss_ce=self._ce(logits[name], targets),
            loss_kd=sum(
                distillation_kl(logits[name], logits[peer], self.tau)
                for peer in peers) / len(peers))
        if index == 0:
            return terms
        previous = features[students[index - 1]][-1].detach()
        own = features[name]
        terms['loss_div'] = lambdas['div'] * diversity(
            attention(own[-1]), attention(previous))
        decoded = self._decoded(f'decoder_{name}', shifted_features(previous))
        terms['loss_sd'] = lambdas[self.student_sd_weight] * sum(
            distance(attention(f), attention(g))
            for f, g in zip(own[:-1], decoded))
        return terms

    def _leader_terms(self, logits: Dict[str, Tensor], targets: Tensor,
                      features: Features, fused: Tensor, fusion_logits: Tensor,
                      fused_input: Tensor, lambdas: Dict[str, float],
                      optim_wrapper: OptimWrapperDict) -> Dict[str, Tensor]:
        leader = self.nets[self.leader_name]
        own = features[self.leader_name]
        head = self.heads[TRANS_FUSION]
        with optim_wrapper[self.leader_name].optim_context(leader):
            transferred = head(own[-1]).float()
        decoded = self._decoded(f'decoder_{self.leader_name}', fused.detach())
        return dict(
            loss_ce=self._ce(logits[self.leader_name], targets),
            loss_kd=distillation_kl(logits[self.leader_name], fusion_logits,
                                    self.tau),
            loss_fusion=lambdas['fus'] *
            distance(attention(own[-1]), attention(fused.detach())),
            loss_trans_fusion=lambdas['fus'] *
            distance(attention(transferred), attention(fused_input)),
            loss_sd=lambdas['fus'] * sum(
                distance(attention(f), attention(g))
                for f, g in zip(own[:-1], decoded)))

    def _decoded(self, decoder_name: str, features: Tensor) -> List[Tensor]:
        """A decoder's outputs as a fixed target: eval mode, no gradient."""
        decoder = getattr(self, decoder_name)
        decoder.eval()
        try:
            with torch.no_grad():
                return [g.float() for g in decoder(features)]
        finally:
            decoder.train(self.training)

    def _decoder_terms(self, name: str, features: Features,
                       lambdas: Dict[str, float],
                       optim_wrapper: OptimWrapperDict) -> Dict[str, Tensor]:
        decoder_name = f'decoder_{name}'
        decoder = getattr(self, decoder_name)
        own = [f.detach() for f in features[name]]
        with optim_wrapper[decoder_name].optim_context(decoder):
            decoded = [g.float() for g in decoder(own[-1])]
        return dict(
            loss_feature=lambdas['sd'] *
            sum(distance(g, f) for f, g in zip(own[:-1], decoded)),
            loss_attention=lambdas['sd'] * sum(
                distance(attention(g), attention(f))
                for f, g in zip(own[:-1], decoded)))


def current_epoch(owner: str) -> int:
    """The runner's 0-based training epoch, from mmengine's MessageHub.

    Raises:
        RuntimeError: no epoch has been recorded (not under a runner).
    """
    epoch = MessageHub.get_current_instance().get_info('epoch')
    if epoch is None:
        raise RuntimeError(
            f"{owner} reads the training epoch from mmengine's MessageHub "
            "('epoch', set by the runner's RuntimeInfoHook); outside a "
            "runner, set it: MessageHub.get_current_instance()."
            "update_info('epoch', 0)")
    return int(epoch)


def _classifiers_by_role(networks: Dict[str, dict],
                         owner: str) -> Tuple[List[str], List[str]]:
    """The students (at least 2) and the one leader of ``networks``."""
    roles = {
        name: spec.get('role')
        for name, spec in networks.items() if isinstance(spec, dict)
    }
    students = [n for n, r in roles.items() if r == 'student']
    leaders = [n for n, r in roles.items() if r == 'leader']
    if len(students) < 2 or len(leaders) != 1 or len(
            roles) != len(students) + 1 or not all('model' in networks[n]
                                                   for n in roles):
        raise ValueError(
            f'{owner}: networks must be one leader and at least two '
            f"students, each dict(role='leader' or 'student', "
            f'model=<classifier>); got {roles}')
    return students, leaders


def _num_classes(network: dict, owner: str) -> int:
    classes = network['model'].get('head', {}).get('num_classes')
    if not isinstance(classes, int):
        raise ValueError(f'{owner}: the leader needs head.num_classes')
    return classes
