"""Evaluate the same metric on each network of a SwitOKD model."""
import copy
from typing import Any, Dict, Optional, Sequence

from mmpretrain.registry import METRICS


@METRICS.register_module()
class PerNetworkMetric:
    """Run one mmpretrain metric per network and prefix its results.

    SwitOKD's predictions are the student's; with ``model.eval_teacher=True``
    each sample also carries the teacher's predictions in a ``teacher``
    field. This wrapper feeds each network's view to its own copy of the
    metric, so ``Accuracy`` reports ``student/accuracy/top1`` and
    ``teacher/accuracy/top1``.

    Args:
        metric: config of the wrapped metric, e.g. ``dict(type='Accuracy',
            topk=(1, 5))``.
        networks: networks to evaluate; ``own`` reads the sample's own
            predictions, any other name reads the sample's field of that name.
        own: the network whose predictions are the samples' own (SwitOKD's
            student; for MultiSwitOKD the first of its ``eval_networks``).
    """

    def __init__(self,
                 metric: dict,
                 networks: Sequence[str] = ('student', 'teacher'),
                 own: str = 'student') -> None:
        if not networks:
            raise ValueError('PerNetworkMetric: networks must not be empty')
        self.own = own
        self.metrics = {}
        for network in networks:
            inner = METRICS.build(copy.deepcopy(metric))
            inner.prefix = f'{network}/{inner.prefix}' if inner.prefix \
                else network
            self.metrics[network] = inner
        self._dataset_meta: Optional[dict] = None

    @property
    def dataset_meta(self) -> Optional[dict]:
        return self._dataset_meta

    @dataset_meta.setter
    def dataset_meta(self, dataset_meta: dict) -> None:
        self._dataset_meta = dataset_meta
        for inner in self.metrics.values():
            inner.dataset_meta = dataset_meta

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        """Hand each network's view of the batch to its metric."""
        for network, inner in self.metrics.items():
            inner.process(
                data_batch,
                [_network_view(s, network, self.own) for s in data_samples])

    def evaluate(self, size: int) -> Dict[str, Any]:
        """Merge the prefixed results of every network's metric."""
        results = {}
        for inner in self.metrics.values():
            results.update(inner.evaluate(size))
        return results


def _network_view(sample: dict, network: str, own: str) -> dict:
    """The sample as the given network predicted it."""
    if network == own:
        return sample
    if network not in sample:
        raise KeyError(f'PerNetworkMetric: the samples carry no {network!r} '
                       f'predictions; set model.eval_teacher=True')
    view = dict(sample)
    view.update(sample[network])
    return view
