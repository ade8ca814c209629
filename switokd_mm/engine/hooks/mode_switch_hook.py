"""Logs what the switching did: per iteration and per epoch."""
from typing import Dict, Optional

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmpretrain.registry import HOOKS

#: Per-iteration values taken from the model's log variables.
ITER_KEYS = ('gap', 'delta', 'ds', 'dt', 'expert')
#: Counters the model keeps as buffers (and thus in checkpoints).
COUNTERS = ('num_iters', 'num_expert_iters', 'num_switches')


@HOOKS.register_module()
class ModeSwitchHook(Hook):
    """Send SwitOKD's mode decisions to every visualizer backend.

    Per iteration (every ``interval``) it writes the exact G, delta, ds, dt
    and mode as ``switokd/iter_<name>`` scalars (the logger's own
    ``switokd/<name>`` entries are window means). At the end of each train
    epoch it writes ``switokd/expert_fraction`` (share of the epoch's
    iterations in expert mode) and ``switokd/num_switches`` with the epoch
    as step, and logs them. G, delta, ds, dt and the mode also reach the
    MessageHub (``train/switokd/*``) as the model's log variables.

    Args:
        interval: write per-iteration scalars every ``interval`` iterations.
    """
    priority = 'BELOW_NORMAL'

    def __init__(self, interval: int = 1) -> None:
        if interval < 1:
            raise ValueError(f'ModeSwitchHook: interval must be >= 1, got '
                             f'{interval}')
        self.interval = interval
        self._epoch_start: Optional[Dict[str, int]] = None

    def before_train_epoch(self, runner) -> None:
        self._epoch_start = _counters(runner)

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        if not outputs or not self.every_n_train_iters(runner, self.interval):
            return
        scalars = {f'switokd/iter_{key}': float(outputs[f'switokd/{key}'])
                   for key in ITER_KEYS if f'switokd/{key}' in outputs}
        if scalars:
            runner.visualizer.add_scalars(scalars, step=runner.iter + 1)

    def after_train_epoch(self, runner) -> None:
        end = _counters(runner)
        start = self._epoch_start or dict.fromkeys(COUNTERS, 0)
        iters = end['num_iters'] - start['num_iters']
        if iters == 0:
            return
        expert = end['num_expert_iters'] - start['num_expert_iters']
        summary = {
            'switokd/expert_fraction': expert / iters,
            'switokd/num_switches': end['num_switches'] - start['num_switches'],
        }
        # Written to the visualizer directly with the epoch as step, like
        # mmengine's validation metrics; a MessageHub scalar would be re-logged
        # with every later iteration log.
        runner.visualizer.add_scalars(summary, step=runner.epoch + 1)
        runner.logger.info(
            f'SwitOKD epoch {runner.epoch + 1}: expert mode in {expert}/'
            f'{iters} iterations ({100 * expert / iters:.1f}%), '
            f"{summary['switokd/num_switches']} switches; whole run: "
            f"{end['num_expert_iters']}/{end['num_iters']} in expert mode")


def _counters(runner) -> Dict[str, int]:
    model = runner.model.module if is_model_wrapper(runner.model) else runner.model
    missing = [name for name in COUNTERS if not hasattr(model, name)]
    if missing:
        raise TypeError(f'ModeSwitchHook needs a SwitOKD-style model with '
                        f'{COUNTERS} buffers; {type(model).__name__} lacks '
                        f'{missing}')
    return {name: int(getattr(model, name)) for name in COUNTERS}
