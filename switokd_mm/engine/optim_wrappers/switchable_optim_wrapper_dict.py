"""An OptimWrapperDict that updates only the networks that are learning."""
from typing import Dict

from mmengine.optim import OptimWrapperDict
from mmpretrain.registry import OPTIM_WRAPPERS
from torch import Tensor


@OPTIM_WRAPPERS.register_module()
class SwitchableOptimWrapperDict(OptimWrapperDict):
    """One optimizer wrapper per network; a network without a loss pauses.

    ``update_params({'student': loss_s})`` in expert mode backpropagates and
    steps the student only. The teacher's wrapper is not touched at all: no
    backward, no ``step`` (so no momentum or weight-decay update) and no
    ``zero_grad`` — its parameters and optimizer state stay bit-identical.
    Each network keeps its own wrapper type (``OptimWrapper``,
    ``AmpOptimWrapper``, ...), gradient clipping and accumulation.

    Under distributed training (:class:`PerNetworkDistributedDataParallel`)
    each network's DDP averages its gradients during its backward pass; a
    paused network runs no backward and so communicates nothing. Under AMP
    every rank's loss scaler sees the same averaged gradients and skips or
    takes the same step.
    """

    def update_params(
            self, losses: Dict[str, Tensor]) -> None:  # type: ignore[override]
        """Backpropagate and step the networks named in ``losses``.

        Args:
            losses: loss of each network that learns in this iteration,
                keyed like the wrappers. Networks left out are paused.
        """
        unknown = set(losses) - set(self.optim_wrappers)
        if unknown:
            raise KeyError(f'No optimizer wrapper for {sorted(unknown)}; '
                           f'have {sorted(self.optim_wrappers)}')
        for name, loss in losses.items():
            self.optim_wrappers[name].update_params(loss)
