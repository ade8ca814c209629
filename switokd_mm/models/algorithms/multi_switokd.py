"""SwitOKD with any set of teachers and students (paper Sec. 2.7)."""
from itertools import product
from typing import Dict, List, Optional, Tuple, Union

import torch
from mmpretrain.registry import MODELS
from torch import Tensor

from switokd_mm.engine.optim_wrappers import SwitchableOptimWrapperDict
from ..losses import distillation_kl
from ..switching import expert_gate, gap_statistics
from .base_distiller import (average_over_ranks, check_finite,
                             check_hyper_parameters, raise_non_finite)
from .multi_network_base import MultiNetworkBase


@MODELS.register_module()
class MultiSwitOKD(MultiNetworkBase):
    """SwitOKD for k teachers and m students.

    Every (teacher, student) pair has its own gap statistics, threshold and
    gate. Per iteration:

    - a student learns from the labels, from every teacher (alpha) and from
      every other student (peer distillation), in both modes;
    - a teacher learns from the labels, from each student whose pair did
      not trigger (beta) and from every other teacher; when all its pairs
      trigger it is suspended: no backward, no optimizer step, its weights
      and optimizer state bit-identical.

    With teachers T1, T2 and one student this is the paper's 2T1S (each
    teacher pauses on its own pair); with one teacher and students S1, S2 it
    is 1T2S (the teacher drops the term of each triggered student and is
    suspended only when both trigger). One teacher and one student give
    exactly :class:`SwitOKD`.

    Args:
        networks: name -> ``dict(role='teacher'|'student', model=<mmpretrain
            classifier config>)``; names are the optimizer keys.
        alpha: weight of a student's distillation term from each teacher.
        beta: weight of a teacher's term from each untriggered student.
        peer_weight: weight of distillation between networks of one role.
        tau: distillation temperature.
        gap_tau: temperature of the gap statistics.
        threshold: switching threshold config (as for :class:`SwitOKD`).
        require_teacher_ahead: also require dt < ds to trigger a pair.
        eval_networks: networks whose predictions validation reports (the
            first student's are the samples' own, the others ride along in
            fields named after them, for :class:`PerNetworkMetric`).
            Default: all.
        data_preprocessor: config of the data preprocessor.
        init_cfg: mmengine initialisation config.
    """
    reserved_names = ('alpha', 'beta', 'peer_weight', 'tau', 'gap_tau',
                      'threshold', 'require_teacher_ahead', 'pairs')

    def __init__(self,
                 networks: Dict[str, dict],
                 alpha: float = 1.0,
                 beta: float = 1.0,
                 peer_weight: float = 1.0,
                 tau: float = 1.0,
                 gap_tau: float = 1.0,
                 threshold: dict = dict(type='AdaptiveThreshold'),
                 require_teacher_ahead: bool = True,
                 eval_networks: Optional[List[str]] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        check_hyper_parameters(
            'MultiSwitOKD',
            alpha=alpha,
            beta=beta,
            peer_weight=peer_weight,
            tau=tau,
            gap_tau=gap_tau)
        super().__init__(networks, eval_networks, data_preprocessor, init_cfg)
        self.alpha, self.beta, self.peer_weight = alpha, beta, peer_weight
        self.tau, self.gap_tau = tau, gap_tau
        self.threshold = MODELS.build(threshold)
        self.require_teacher_ahead = require_teacher_ahead
        self.pairs: List[Tuple[str, str]] = list(
            product(self.teachers, self.students))
        pairs = len(self.pairs)
        # switching state, per pair, saved in checkpoints
        self.register_buffer('num_iters', torch.zeros((), dtype=torch.long))
        self.register_buffer('num_expert_iters',
                             torch.zeros(pairs, dtype=torch.long))
        self.register_buffer('num_switches',
                             torch.zeros(pairs, dtype=torch.long))
        self.register_buffer('last_mode',
                             torch.full((pairs, ), -1, dtype=torch.long))

    @property
    def pair_names(self) -> List[str]:
        """``'<teacher>-<student>'`` for each pair, in buffer order."""
        return [f'{t}-{s}' for t, s in self.pairs]

    def train_step(
            self, data: Union[dict, tuple, list],
            optim_wrapper: SwitchableOptimWrapperDict) -> Dict[str, Tensor]:
        """Forward all networks, gate every pair, update who learns."""
        logits, targets = self._forward_all(data, optim_wrapper)
        stats = torch.stack([
            torch.stack(
                gap_statistics(logits[s].detach(), logits[t].detach(), targets,
                               self.gap_tau)) for t, s in self.pairs
        ])  # (pairs, 3): G, ds, dt
        stats = average_over_ranks(stats, targets.size(0))
        check_finite({'pair statistics': stats},
                     'MultiSwitOKD: the switching statistics')
        triggered = {}
        log_vars = {}
        for (t, s), name, (gap, ds, dt) in zip(self.pairs, self.pair_names,
                                               stats):
            delta = self.threshold(ds, dt)
            if torch.isnan(delta):
                raise_non_finite(f'MultiSwitOKD: delta of pair {name}')
            triggered[t, s] = expert_gate(gap, delta, ds, dt,
                                          self.require_teacher_ahead)
            log_vars.update({
                f'switokd/{name}/gap': gap.item(),
                f'switokd/{name}/delta': delta.item(),
                f'switokd/{name}/ds': ds.item(),
                f'switokd/{name}/dt': dt.item(),
                f'switokd/{name}/expert': float(triggered[t, s]),
            })

        paused = {
            t: all(triggered[t, s] for s in self.students)
            for t in self.teachers
        }
        for t in self.teachers:
            log_vars[f'switokd/{t}/paused'] = float(paused[t])
            if paused[t]:
                # nothing backpropagates through a suspended teacher: free
                # its graph before the backward passes
                logits[t] = logits[t].detach()
        losses = {}
        for name in self.nets:
            terms = self._loss_terms(name, logits, targets, triggered)
            loss = sum(terms.values())
            for key, value in terms.items():
                log_vars[f'{name}/{key}'] = value.detach()
            log_vars[f'{name}/loss'] = loss.detach()
            if not paused.get(name, False):
                losses[name] = loss
        check_finite(losses, 'MultiSwitOKD: the loss')
        optim_wrapper.update_params(losses)
        self._record_modes([triggered[pair] for pair in self.pairs])
        log_vars['loss'] = sum(log_vars[f'{s}/loss'] for s in self.students)
        return log_vars

    def _loss_terms(self, name: str, logits: Dict[str,
                                                  Tensor], targets: Tensor,
                    triggered: Dict[tuple, bool]) -> Dict[str, Tensor]:
        """CE plus the distillation terms network ``name`` learns from."""
        z = logits[name]
        terms = {'loss_ce': torch.nn.functional.cross_entropy(z, targets)}
        role = self.roles[name]
        for other, other_role in self.roles.items():
            if other == name:
                continue
            if other_role == role:
                weight = self.peer_weight
            elif role == 'student':
                weight = self.alpha
            elif triggered[name, other]:
                continue  # the triggered student's term is dropped
            else:
                weight = self.beta
            terms[f'loss_kd_{other}'] = weight * distillation_kl(
                z, logits[other], self.tau)
        return terms

    def _record_modes(self, modes: List[bool]) -> None:
        current = torch.tensor(
            modes, dtype=torch.long, device=self.last_mode.device)
        self.num_switches += ((self.last_mode >= 0) &
                              (self.last_mode != current)).long()
        self.last_mode.copy_(current)
        self.num_iters += 1
        self.num_expert_iters += current
