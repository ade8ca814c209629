"""KDCL (Guo et al., CVPR 2020): both networks learn from an ensemble."""
from typing import Dict, Optional, Union

from mmpretrain.registry import MODELS
from torch import Tensor

from switokd_mm.engine.optim_wrappers import SwitchableOptimWrapperDict
from ..losses import ce_with_distillation, min_logit_ensemble
from .base_distiller import (BaseDistiller, check_finite,
                             check_hyper_parameters, check_optim_wrapper)


@MODELS.register_module()
class KDCL(BaseDistiller):
    """Knowledge distillation via collaborative learning, MinLogit variant.

    Every iteration both networks minimise ``CE(y, z_i) + kd_weight *
    tau^2 * KL(p_m^tau || p_i^tau)``, where ``p_m`` is the softmax of the
    MinLogit ensemble of both networks' logits (the paper's Table 1, row
    KDCL). The ensemble target is built from the hard label (the argmax of
    soft targets under Mixup/CutMix).

    Args:
        student: config of the student classifier.
        teacher: config of the teacher classifier.
        tau: distillation temperature (the SwitOKD paper uses 2-3).
        kd_weight: weight of the distillation term.
        eval_teacher: also evaluate the teacher.
        data_preprocessor: config of the data preprocessor.
        init_cfg: mmengine initialisation config.
    """

    def __init__(self,
                 student: dict,
                 teacher: Optional[dict] = None,
                 tau: float = 2.0,
                 kd_weight: float = 1.0,
                 eval_teacher: bool = False,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(student, teacher, eval_teacher, data_preprocessor,
                         init_cfg)
        check_hyper_parameters('KDCL', tau=tau, kd_weight=kd_weight)
        self.tau, self.kd_weight = tau, kd_weight

    def train_step(
            self, data: Union[dict, tuple, list],
            optim_wrapper: SwitchableOptimWrapperDict) -> Dict[str, Tensor]:
        """Both networks step towards the labels and the ensemble."""
        names = ('student', 'teacher')
        check_optim_wrapper(optim_wrapper, names, 'KDCL')
        data = self.data_preprocessor(data, True)
        inputs, data_samples = data['inputs'], data['data_samples']
        targets = self._targets(data_samples)
        logits = {}
        for name in names:
            network = getattr(self, name)
            with optim_wrapper[name].optim_context(network):
                logits[name] = network(inputs, mode='tensor').float()
        return kdcl_step(logits, targets, optim_wrapper, self.kd_weight,
                         self.tau, 'student', 'KDCL')


def kdcl_step(logits: Dict[str, Tensor], targets: Tensor,
              optim_wrapper: SwitchableOptimWrapperDict, kd_weight: float,
              tau: float, main: str, owner: str) -> Dict[str, Tensor]:
    """Update every network towards the labels and the MinLogit ensemble.

    Args:
        logits: float32 logits of each network, by name.
        targets: target probabilities (B, K).
        optim_wrapper: one optimizer wrapper per network.
        kd_weight: weight of the distillation term.
        tau: distillation temperature.
        main: the network whose loss is logged as ``loss``.
        owner: model name for error messages.

    Returns:
        dict: log variables ``<network>/loss_ce|loss_kd|loss`` and ``loss``.
    """
    ensemble = min_logit_ensemble(list(logits.values()), targets.argmax(dim=1))
    losses = {
        name: ce_with_distillation(z, ensemble, targets, kd_weight, tau)
        for name, z in logits.items()
    }
    totals = {name: part['loss'] for name, part in losses.items()}
    check_finite(totals, f'{owner}: the loss')
    optim_wrapper.update_params(totals)
    log_vars = {
        f'{name}/{k}': v.detach()
        for name, part in losses.items()
        for k, v in part.items()
    }
    log_vars['loss'] = totals[main].detach()
    return log_vars
