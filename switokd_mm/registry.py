"""Registries of switokd_mm.

Networks, hooks, optimizer wrappers and metrics are registered in mmpretrain's
registries so that configs written for mmpretrain (``default_scope =
'mmpretrain'``) build them unchanged. Only the switching thresholds, which
have no counterpart in OpenMMLab, get a registry of their own.
"""
from mmengine.registry import Registry

#: Switching thresholds: callables mapping (ds, dt) to the threshold delta.
THRESHOLDS = Registry('switching threshold', locations=['switokd_mm.models'])
