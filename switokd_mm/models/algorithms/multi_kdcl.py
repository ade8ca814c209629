"""KDCL with any number of networks (the paper's Table 7 baseline)."""
from typing import Dict, List, Optional, Union

from mmpretrain.registry import MODELS
from torch import Tensor

from switokd_mm.engine.optim_wrappers import SwitchableOptimWrapperDict
from .base_distiller import check_hyper_parameters
from .kdcl import kdcl_step
from .multi_network_base import MultiNetworkBase


@MODELS.register_module()
class MultiKDCL(MultiNetworkBase):
    """KDCL (MinLogit) for named networks: every network learns from the
    labels and from the MinLogit ensemble of all of them, every iteration.
    Roles only label the networks (for logs and evaluation order).

    Args:
        networks: name -> ``dict(role=..., model=...)`` as for
            :class:`MultiSwitOKD`.
        tau: distillation temperature.
        kd_weight: weight of the distillation term.
        eval_networks: networks validation reports, a student first.
        data_preprocessor: config of the data preprocessor.
        init_cfg: mmengine initialisation config.
    """
    reserved_names = ('tau', 'kd_weight')

    def __init__(self,
                 networks: Dict[str, dict],
                 tau: float = 2.0,
                 kd_weight: float = 1.0,
                 eval_networks: Optional[List[str]] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        check_hyper_parameters('MultiKDCL', tau=tau, kd_weight=kd_weight)
        super().__init__(networks, eval_networks, data_preprocessor, init_cfg)
        self.tau, self.kd_weight = tau, kd_weight

    def train_step(
            self, data: Union[dict, tuple, list],
            optim_wrapper: SwitchableOptimWrapperDict) -> Dict[str, Tensor]:
        """Every network steps towards the labels and the ensemble."""
        logits, targets = self._forward_all(data, optim_wrapper)
        return kdcl_step(logits, targets, optim_wrapper, self.kd_weight,
                         self.tau, self.eval_networks[0], 'MultiKDCL')
