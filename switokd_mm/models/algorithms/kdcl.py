"""KDCL (Guo et al., CVPR 2020), MinLogit variant: every network learns
from the labels and from the ensemble of all of them."""
from typing import Dict, List, Optional, Union

from mmengine.optim import OptimWrapperDict
from mmpretrain.registry import MODELS
from torch import Tensor

from ..losses import (ce_with_distillation, min_logit_ensemble,
                      with_feature_terms)
from ..utils import check_finite, check_hyper_parameters, update_learners
from .multi_network_model import MultiNetworkModel, TeacherStudentForm


@MODELS.register_module()
class MultiKDCL(MultiNetworkModel):
    """KDCL for named networks (the paper's Table 1 and Table 7 baseline).

    Every iteration each network minimises ``CE(y, z_i) + kd_weight *
    tau^2 * KL(p_m^tau || p_i^tau)``, where ``p_m`` is the softmax of the
    MinLogit ensemble of all networks' logits, built from the hard label
    (the argmax of soft targets under Mixup/CutMix). Roles only label the
    networks (for logs and evaluation order).

    Args:
        networks: name -> ``dict(role=..., model=...)`` as for
            :class:`MultiSwitOKD`.
        tau: distillation temperature (the SwitOKD paper uses 2-3).
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
                 init_cfg: Optional[dict] = None,
                 distill_terms: Optional[List[dict]] = None) -> None:
        check_hyper_parameters(
            type(self).__name__, tau=tau, kd_weight=kd_weight)
        super().__init__(networks, eval_networks, data_preprocessor, init_cfg,
                         distill_terms)
        self.tau, self.kd_weight = tau, kd_weight

    def train_step(
            self, data: Union[dict, tuple, list],
            optim_wrapper: OptimWrapperDict) -> Dict[str, Tensor]:
        """Every network steps towards the labels and the ensemble.

        Returns:
            dict: log variables ``<network>/loss_ce|loss_kd|loss`` and
            ``loss`` (the first evaluated student's).
        """
        logits, targets = self._forward_all(data, optim_wrapper)
        ensemble = min_logit_ensemble(
            list(logits.values()), targets.argmax(dim=1))
        terms = {
            name: with_feature_terms(
                ce_with_distillation(z, ensemble, targets, self.kd_weight,
                                     self.tau), self.feature_losses(name))
            for name, z in logits.items()
        }
        losses = {name: part['loss'] for name, part in terms.items()}
        check_finite(losses, f'{type(self).__name__}: the loss')
        update_learners(optim_wrapper, losses)
        log_vars = {
            f'{name}/{k}': v.detach()
            for name, part in terms.items() for k, v in part.items()
        }
        log_vars['loss'] = losses[self.eval_networks[0]].detach()
        return log_vars


@MODELS.register_module()
class KDCL(TeacherStudentForm, MultiKDCL):
    """:class:`MultiKDCL` of a ``student`` and a ``teacher``.

    Args:
        student: config of the student classifier.
        teacher: config of the teacher classifier.
        eval_teacher: also evaluate the teacher.
        **kwargs: the other arguments of :class:`MultiKDCL`.
    """
