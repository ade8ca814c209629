"""Logs where a spot-adaptive model distilled: per iteration and per epoch."""
from typing import List, Optional

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmpretrain.registry import HOOKS

#: the checkpoint entry holding the epoch's sums so far
CHECKPOINT_KEY = 'spot_share_logger'
#: the per-epoch scalar holding the epoch's last iteration (1-based)
EPOCH_END_ITER = 'sakd/epoch_end_iter'


@HOOKS.register_module()
class SpotShareLoggerHook(Hook):
    """Log the share of samples a spot-adaptive model (SAKD) distilled at
    each spot to every visualizer backend.

    Per iteration (every ``interval``) it writes the exact shares as
    ``sakd/iter_share_<spot>`` scalars (the logger's own
    ``sakd/share_<spot>`` entries are window means); at the end of each
    train epoch it writes ``sakd/epoch_share_<spot>``, the epoch's mean,
    with the epoch as step (and ``sakd/epoch_end_iter``, the epoch's last
    iteration), and logs them in one line. A run resumed in
    the middle of an epoch still reports the whole epoch (the sums so far
    ride in the checkpoint).

    Args:
        interval: write per-iteration scalars every ``interval`` iterations.
    """
    priority = 'BELOW_NORMAL'

    def __init__(self, interval: int = 1) -> None:
        if interval < 1:
            raise ValueError(f'SpotShareLoggerHook: interval must be >= 1, '
                             f'got {interval}')
        self.interval = interval
        self._sums: List[float] = []
        self._iters = 0

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint[CHECKPOINT_KEY] = dict(sums=self._sums, iters=self._iters)

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        state = checkpoint.get(CHECKPOINT_KEY)
        if state is not None:
            self._sums, self._iters = list(state['sums']), state['iters']

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        model = _spot_model(runner)
        shares = [model.last_shares[spot] for spot in model.spot_names]
        if self._sums:
            shares_so_far = zip(self._sums, shares)
            self._sums = [total + share for total, share in shares_so_far]
        else:
            self._sums = list(shares)
        self._iters += 1
        if self.every_n_train_iters(runner, self.interval):
            runner.visualizer.add_scalars(
                {
                    f'sakd/iter_share_{spot}': share
                    for spot, share in zip(model.spot_names, shares)
                },
                step=runner.iter + 1)

    def after_train_epoch(self, runner) -> None:
        if not self._iters:
            return
        spots = _spot_model(runner).spot_names
        means = [total / self._iters for total in self._sums]
        scalars = {
            f'sakd/epoch_share_{spot}': mean
            for spot, mean in zip(spots, means)
        }
        # where the epoch ends on the iteration axis, for plots
        scalars[EPOCH_END_ITER] = runner.iter
        runner.visualizer.add_scalars(scalars, step=runner.epoch + 1)
        runner.logger.info(
            f'SAKD epoch {runner.epoch + 1}: share of samples distilled per '
            f'spot over {self._iters} iterations: ' +
            ', '.join(f'{spot} {100 * mean:.1f}%'
                      for spot, mean in zip(spots, means)))
        self._sums, self._iters = [], 0


def logs_spot_shares(model) -> bool:
    """Whether ``model`` (unwrapped) reports per-spot shares
    (``spot_names`` and ``last_shares``, as :class:`SpotAdaptiveKD`)."""
    return all(hasattr(model, name) for name in ('spot_names', 'last_shares'))


def _spot_model(runner):
    model = runner.model.module if is_model_wrapper(runner.model) \
        else runner.model
    if not logs_spot_shares(model):
        raise TypeError(f'SpotShareLoggerHook needs a spot-adaptive model '
                        f'(with spot_names and last_shares); '
                        f'{type(model).__name__} lacks them')
    return model
