"""The reconstruction error of a model that scores no classifier (the
paraphraser of factor transfer in its pre-training)."""
from typing import List, Optional, Sequence

from mmengine.evaluator import BaseMetric
from mmpretrain.registry import METRICS


@METRICS.register_module()
class ReconstructionError(BaseMetric):
    """The mean over the dataset of each sample's reconstruction error, a
    field the model sets on the samples it predicts (e.g.
    ``ParaphraserPretraining``: the mean squared error of the teacher's
    features), reported as ``reconstruction/mse``.

    Args:
        field: the data-sample field holding a sample's error.
        collect_device: where the ranks' results are gathered.
        prefix: the metric's prefix (default ``reconstruction``).
    """
    default_prefix = 'reconstruction'

    def __init__(self,
                 field: str = 'reconstruction_error',
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.field = field

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            if self.field not in sample:
                raise KeyError(
                    f'ReconstructionError: a predicted sample has no '
                    f'{self.field!r} field; the model must set it (e.g. '
                    f'ParaphraserPretraining), a classifier does not')
            self.results.append(float(sample[self.field]))

    def compute_metrics(self, results: List[float]) -> dict:
        return dict(mse=sum(results) / len(results))
