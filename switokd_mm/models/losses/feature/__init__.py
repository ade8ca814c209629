"""Feature distillation losses, registered in mmpretrain's ``MODELS``.

Each is an ``nn.Module`` with a ``loss_weight``, called as ``loss(learner,
source, weight=None)`` on a learner's features (after its connector, if
the term has one) and the features it learns from (detached). ``weight``
(``(B,)``) weighs each sample: a sample of weight 0 contributes nothing,
and no gradient (spot-adaptive distillation picks samples this way). A
per-sample loss gives ``loss_weight`` times the batch mean of the weighted
per-sample losses; a relational loss (between samples) computes its
relation on the samples of weight 1 and scales it by their share
(:func:`~.utils.selected_relational`).
"""
from .at import ATLoss, attention_map
from .cc import CCLoss
from .crd import CRDLoss
from .fitnet import FitNetLoss
from .ft import FTLoss, Paraphraser, Translator
from .nst import NSTLoss
from .pkt import PKTLoss
from .rkd import RKDLoss
from .sp import SPLoss
from .utils import weighted_batch_mean
from .vid import VIDLoss

__all__ = [
    'ATLoss', 'CCLoss', 'CRDLoss', 'FTLoss', 'FitNetLoss', 'NSTLoss',
    'PKTLoss', 'Paraphraser', 'RKDLoss', 'SPLoss', 'Translator', 'VIDLoss',
    'attention_map', 'weighted_batch_mean'
]
