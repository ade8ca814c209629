"""Logs what the switching did: per iteration and per epoch."""
import statistics
from typing import Dict, List, Optional

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmpretrain.registry import HOOKS

from switokd_mm.log_keys import stat_key

#: the checkpoint entry holding the counters at the start of the epoch
CHECKPOINT_KEY = 'switching_logger'


@HOOKS.register_module()
class SwitchingLoggerHook(Hook):
    """Log SwitOKD's mode decisions to every visualizer backend (it only
    logs: the switching itself happens in the model's ``train_step``).

    Per iteration (every ``interval``) it writes the exact G, delta, ds, dt
    and mode as ``switokd/iter_<name>`` scalars (the logger's own
    ``switokd/<name>`` entries are window means); for a multi-network model
    per pair, ``switokd/<teacher>-<student>/iter_<name>``, and per teacher
    ``switokd/<teacher>/iter_paused``. At the end of each train epoch it
    writes ``switokd/expert_fraction`` (share of the epoch's iterations in
    expert mode) and ``switokd/num_switches`` (per pair:
    ``switokd/<pair>/expert_fraction``, ...) with the epoch as step, and
    logs them. G, delta, ds, dt and the mode also reach the
    MessageHub (``train/switokd/*``) as the model's log variables.

    At the end of an epoch in which a pair never switched to expert mode, a
    warning says the networks trained as DML, with the median of the gate's
    margin (``iter_margin``: it fires above 1).

    Args:
        interval: write per-iteration scalars every ``interval`` iterations.
    """
    priority = 'BELOW_NORMAL'

    def __init__(self, interval: int = 1) -> None:
        if interval < 1:
            raise ValueError(
                f'SwitchingLoggerHook: interval must be >= 1, got '
                f'{interval}')
        self.interval = interval
        self._epoch_start: Optional[Dict[str, torch.Tensor]] = None
        # each pair's gate margins in this epoch (since a resume)
        self._margins: Dict[Optional[str], List[float]] = {}

    def before_train_epoch(self, runner) -> None:
        if self._epoch_start is None:
            self._epoch_start = _counters(runner)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        # A run resumed in the middle of an epoch still reports the whole
        # epoch's modes.
        if self._epoch_start is not None:
            checkpoint[CHECKPOINT_KEY] = dict(epoch_start=self._epoch_start)

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        if CHECKPOINT_KEY in checkpoint:
            self._epoch_start = checkpoint[CHECKPOINT_KEY]['epoch_start']

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        model = _switching_model(runner)
        scalars = model.iteration_scalars()
        for owner in model.pair_names:
            margin = scalars.get(stat_key('iter_margin', owner))
            if margin is not None:
                self._margins.setdefault(owner, []).append(margin)
        if scalars and self.every_n_train_iters(runner, self.interval):
            runner.visualizer.add_scalars(scalars, step=runner.iter + 1)

    def after_train_epoch(self, runner) -> None:
        end = _counters(runner)
        start, self._epoch_start = self._epoch_start, end
        iters = int(end['num_iters'] - start['num_iters'])
        if iters == 0:
            return
        expert = (end['num_expert_iters'] - start['num_expert_iters']).view(-1)
        switches = (end['num_switches'] - start['num_switches']).view(-1)
        owners = _switching_model(runner).pair_names
        summary = {}
        for owner, n_expert, n_switches in zip(owners, expert, switches):
            summary[stat_key('expert_fraction', owner)] = int(n_expert) / iters
            summary[stat_key('num_switches', owner)] = int(n_switches)
        # Written to the visualizer directly with the epoch as step, like
        # mmengine's validation metrics; a MessageHub scalar would be re-logged
        # with every later iteration log.
        runner.visualizer.add_scalars(summary, step=runner.epoch + 1)
        margins, self._margins = self._margins, {}
        for owner, n_expert, n_switches in zip(owners, expert, switches):
            label = f' {owner}' if owner else ''
            runner.logger.info(
                f'SwitOKD epoch {runner.epoch + 1}{label}: expert mode in '
                f'{int(n_expert)}/{iters} iterations '
                f'({100 * int(n_expert) / iters:.1f}%), {int(n_switches)} '
                f'switches')
            if int(n_expert) == 0 and margins.get(owner):
                runner.logger.warning(
                    f'SwitOKD epoch {runner.epoch + 1}{label}: the gate never '
                    f'fired, so the networks trained as DML this epoch; gate '
                    f'margin median {statistics.median(margins[owner]):.2f}, '
                    f'it fires above 1.0 (docs/method.md: when the gate '
                    f'fires)')


def logs_switching(model) -> bool:
    """Whether ``model`` (unwrapped) reports switching through
    ``iteration_scalars``, ``switching_counters`` and ``pair_names`` (SwitOKD
    and its multi-network form do)."""
    return all(
        hasattr(model, name)
        for name in ('iteration_scalars', 'switching_counters', 'pair_names'))


def _switching_model(runner):
    model = runner.model.module if is_model_wrapper(runner.model) \
        else runner.model
    if not logs_switching(model):
        raise TypeError(
            f'SwitchingLoggerHook needs a SwitOKD-style model (with '
            f'iteration_scalars, switching_counters and pair_names); '
            f'{type(model).__name__} lacks them')
    return model


def _counters(runner) -> Dict[str, torch.Tensor]:
    return _switching_model(runner).switching_counters()
