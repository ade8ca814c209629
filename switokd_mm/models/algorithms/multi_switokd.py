"""SwitOKD (Qian et al., ECCV 2022) for any set of teachers and students:
the one implementation of the method; :class:`SwitOKD` is its one-pair
form."""
from itertools import product
from typing import Dict, List, Optional, Tuple, Union

import torch
import torch.nn.functional as F
from mmengine.optim import OptimWrapperDict
from mmpretrain.registry import MODELS, TASK_UTILS
from torch import Tensor

from switokd_mm.log_keys import switching_log
from ..losses import distillation_kl
from ..switching import (distances, expert_gate, gap_excess, gap_probabilities,
                         gate_margin)
from ..utils import (HostDecision, average_over_ranks, check_hyper_parameters,
                     load_norm_buffers, norm_buffers, read_decision,
                     update_learners)
from .multi_network_model import ROLES, MultiNetworkModel

TEACHER_LOSSES = ('reciprocal', 'ce')
Pair = Tuple[str, str]


@MODELS.register_module()
class MultiSwitOKD(MultiNetworkModel):
    """SwitOKD for k teachers and m students (paper Sec. 2.7).

    Every (teacher, student) pair has its own gap statistics, threshold and
    gate; the pair *triggers* (expert mode) when G > delta (and, by default,
    dt < ds). Per iteration:

    - a student learns from the labels, from every teacher (``alpha``) and
      from every other student (``peer_weight``), in both modes;
    - a teacher learns from the labels, from each student whose pair did not
      trigger (``beta``; none with ``teacher_loss='ce'``) and from every
      other teacher; when all its pairs trigger it is *paused*: no backward,
      no optimizer step, its weights and optimizer state bit-identical.

    One teacher and one student is :class:`SwitOKD`; 2T1S, 1T2S: Table 7.

    Args:
        networks: name -> ``dict(role='teacher'|'student', model=<mmpretrain
            classifier config>)``; names are the optimizer keys.
        alpha: weight of a student's distillation term from each teacher.
        beta: weight of a teacher's term from each untriggered student.
        peer_weight: weight of distillation between networks of one role.
        tau: distillation temperature.
        gap_tau: temperature at which G, ds and dt are measured.
        threshold: config of the switching threshold (registered in
            mmpretrain's TASK_UTILS, :mod:`switokd_mm.models.thresholds`):
            ``AdaptiveThreshold`` (Eq. 13, default), ``FixedThreshold`` or
            ``NeverSwitch``.
        require_teacher_ahead: trigger a pair only if the teacher also fits
            the labels better (``dt < ds``), as the authors' released code
            does. False follows the paper's formula alone.
        teacher_loss: ``'reciprocal'`` (CE + KL from the students, Eq. 6) or
            ``'ce'`` (labels only, Eq. 5, ablation C).
        freeze_teacher_bn_in_expert: also keep a paused teacher's BatchNorm
            statistics (by default they update, as in the released code).
        eval_networks: networks to evaluate, a student first (default all).
        data_preprocessor: config of the data preprocessor.
        init_cfg: mmengine initialisation config.
        distill_terms: feature distillation terms added to the networks'
            losses (see :class:`MultiNetworkModel`); a paused teacher's
            terms are dropped with the rest of its loss.
    """
    reserved_names = ('alpha', 'beta', 'peer_weight', 'tau', 'gap_tau',
                      'threshold', 'require_teacher_ahead', 'teacher_loss',
                      'freeze_teacher_bn_in_expert', 'pairs')

    def __init__(self,
                 networks: Dict[str, dict],
                 alpha: float = 1.0,
                 beta: float = 1.0,
                 peer_weight: float = 1.0,
                 tau: float = 1.0,
                 gap_tau: float = 1.0,
                 threshold: dict = dict(type='AdaptiveThreshold'),
                 require_teacher_ahead: bool = True,
                 teacher_loss: str = 'reciprocal',
                 freeze_teacher_bn_in_expert: bool = False,
                 eval_networks: Optional[List[str]] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None,
                 distill_terms: Optional[List[dict]] = None) -> None:
        owner = type(self).__name__
        check_hyper_parameters(
            owner,
            alpha=alpha,
            beta=beta,
            peer_weight=peer_weight,
            tau=tau,
            gap_tau=gap_tau)
        if teacher_loss not in TEACHER_LOSSES:
            raise ValueError(f'{owner}: teacher_loss must be one of '
                             f'{TEACHER_LOSSES}, got {teacher_loss!r}')
        super().__init__(networks, eval_networks, data_preprocessor, init_cfg,
                         distill_terms)
        unsupported = {
            name: self.roles[name]
            for name in self.nets if self.roles[name] not in ROLES
        }
        if unsupported:
            raise ValueError(f'{owner}: every classifier is a teacher or a '
                             f'student; got {unsupported}')
        self.alpha, self.beta, self.peer_weight = alpha, beta, peer_weight
        self.tau, self.gap_tau = tau, gap_tau
        self.threshold = TASK_UTILS.build(threshold)
        self.require_teacher_ahead = require_teacher_ahead
        self.teacher_loss = teacher_loss
        self.freeze_teacher_bn_in_expert = freeze_teacher_bn_in_expert
        self.pairs: List[Pair] = list(product(self.teachers, self.students))
        # Switching state per pair, saved in checkpoints with the weights so
        # that a resumed run counts modes and switches like an unbroken one.
        pairs = len(self.pairs)
        self.register_buffer('num_iters', torch.zeros((), dtype=torch.long))
        self.register_buffer('num_expert_iters',
                             torch.zeros(pairs, dtype=torch.long))
        self.register_buffer('num_switches',
                             torch.zeros(pairs, dtype=torch.long))
        # -1 before the first iteration, then 0 (learning) or 1 (expert)
        self.register_buffer('last_mode',
                             torch.full((pairs, ), -1, dtype=torch.long))
        # the last iteration's decision on the host, for iteration_scalars
        self._last_decision: Optional[Tuple[HostDecision, dict]] = None

    @property
    def pair_names(self) -> List[Optional[str]]:
        """Each pair's log-key name in buffer order, ``'<teacher>-<student>'``
        (None for the only pair: keys ``switokd/<stat>``)."""
        if len(self.pairs) == 1:
            return [None]
        return [f'{t}-{s}' for t, s in self.pairs]

    def train_step(self, data: Union[dict, tuple, list],
                   optim_wrapper: OptimWrapperDict) -> Dict[str, Tensor]:
        """One iteration of the paper's Algorithm 1 for every pair.

        Args:
            data: a batch from the dataloader.
            optim_wrapper: one optimizer wrapper per network, by name
                (built by ``PerNetworkOptimWrapperConstructor``).

        Returns:
            dict: log variables: per network ``<name>/loss_ce``,
            ``<name>/loss_kd`` (``loss_kd_<source>`` for a network with
            several sources) and ``<name>/loss``; ``loss``, the students'
            total; the decisions (see :mod:`switokd_mm.log_keys`).
        """
        saved_norms = self._saved_teacher_norms()
        logits, targets = self._forward_all(data, optim_wrapper)
        stats = self._pair_statistics(logits, targets)
        decided, host = self._decide(stats, logits)
        paused = self._pause(host.triggered, logits, saved_norms)
        losses, log_vars = self._losses(logits, targets, host.triggered)
        update_learners(optim_wrapper, {
            name: loss
            for name, loss in losses.items() if name not in paused
        })
        self._record_modes(decided)
        paused_log = {t: t in paused for t in self.teachers} \
            if len(self.pairs) > 1 else None
        self._last_decision = (host, paused_log)
        log_vars.update(
            switching_log(self.pair_names, host, paused_log))
        return log_vars

    def iteration_scalars(self) -> Dict[str, float]:
        """The last training iteration's exact decisions as the scalars
        ``SwitchingLoggerHook`` writes: ``switokd/[<pair>/]iter_<stat>``
        for G, delta, ds, dt, expert and the gate's margin and excess parts
        (and ``iter_paused`` per teacher of a multi-network model); empty
        before the first iteration."""
        if self._last_decision is None:
            return {}
        host, paused = self._last_decision
        return switching_log(
            self.pair_names, host, paused, stat_prefix='iter_')

    def switching_counters(self) -> Dict[str, Tensor]:
        """Iterations, expert iterations and switches so far (each pair's,
        in :attr:`pair_names` order), as CPU copies: the per-epoch
        summaries of ``SwitchingLoggerHook`` are their differences."""
        return {
            name: getattr(self, name).detach().clone().cpu()
            for name in ('num_iters', 'num_expert_iters', 'num_switches')
        }

    def _saved_teacher_norms(self) -> Dict[str, dict]:
        """The teachers' BN statistics before their forward (option)."""
        if not self.freeze_teacher_bn_in_expert:
            return {}
        return {t: norm_buffers(self.nets[t]) for t in self.teachers}

    def _pair_statistics(self, logits: Dict[str, Tensor],
                         targets: Tensor) -> Tensor:
        """(pairs, 5) float32 G, ds, dt and the two parts of the gate's
        excess (:func:`gap_excess`), averaged over ranks."""
        # each network's probabilities once, whatever its number of pairs
        probs = {
            name: gap_probabilities(z.detach(), self.gap_tau)
            for name, z in logits.items()
        }
        stats = torch.stack([
            torch.stack([
                *distances(probs[s], probs[t], targets),
                *gap_excess(probs[s], probs[t], targets)
            ]) for t, s in self.pairs
        ])
        return average_over_ranks(stats, targets.size(0))

    def _decide(self, stats: Tensor,
                logits: Dict[str, Tensor]) -> Tuple[Tensor, HostDecision]:
        """Each pair's mode, on the device and, with the values to log, on
        the host (read in one transfer)."""
        gap, ds, dt, excess_true, excess_wrong = stats.unbind(1)
        deltas = self.threshold(gap, ds, dt, self.num_iters)
        decided = expert_gate(gap, deltas, ds, dt, self.require_teacher_ahead)
        diagnostics = torch.stack([
            gate_margin(gap, deltas, ds, dt), excess_true, excess_wrong
        ], 1)
        finite = torch.stack(
            [torch.isfinite(z.detach()).all() for z in logits.values()])
        return decided, read_decision(stats[:, :3], deltas, decided, finite,
                                      type(self).__name__, diagnostics)

    def _pause(self, triggered: List[bool], logits: Dict[str, Tensor],
               saved_norms: Dict[str, dict]) -> List[str]:
        """Pause the teachers all of whose pairs triggered: free their graphs
        before the students' backward; restore their BN statistics (option).
        """
        by_pair = dict(zip(self.pairs, triggered))
        paused = [
            t for t in self.teachers
            if all(by_pair[t, s] for s in self.students)
        ]
        for t in paused:
            logits[t] = logits[t].detach()
            if t in saved_norms:
                load_norm_buffers(self.nets[t], saved_norms[t])
        return paused

    def _losses(self, logits: Dict[str, Tensor], targets: Tensor,
                triggered: List[bool]) -> Tuple[Dict[str, Tensor], dict]:
        """Each network's loss, and its terms as log variables."""
        by_pair = dict(zip(self.pairs, triggered))
        losses, log_vars = {}, {}
        for name, z in logits.items():
            terms = {'loss_ce': F.cross_entropy(z, targets)}
            sources = self._sources(name)
            for source, weight in sources.items():
                pair = (name, source) if name in self.teachers else None
                if pair in by_pair and by_pair[pair]:
                    continue  # a teacher drops a triggered student's term
                key = 'loss_kd' if len(sources) == 1 else f'loss_kd_{source}'
                terms[key] = weight * distillation_kl(z, logits[source],
                                                      self.tau)
            terms.update(self.feature_losses(name))
            losses[name] = sum(terms.values())
            log_vars.update({
                f'{name}/{k}': v.detach()
                for k, v in terms.items()
            })
            log_vars[f'{name}/loss'] = losses[name].detach()
        log_vars['loss'] = sum(log_vars[f'{s}/loss'] for s in self.students)
        return losses, log_vars

    def _sources(self, name: str) -> Dict[str, float]:
        """The networks ``name`` may learn from, with their weights."""
        role = self.roles[name]
        sources = {}
        for other in self.nets:
            other_role = self.roles[other]
            if other == name:
                continue
            if other_role == role:
                sources[other] = self.peer_weight
            elif role == 'student':
                sources[other] = self.alpha
            elif self.teacher_loss == 'reciprocal':
                sources[other] = self.beta
        return sources

    def _record_modes(self, decided: Tensor) -> None:
        current = decided.long()
        self.num_switches += ((self.last_mode >= 0) &
                              (self.last_mode != current)).long()
        self.last_mode.copy_(current)
        self.num_iters += 1
        self.num_expert_iters += current
