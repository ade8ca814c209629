"""The switch that makes mmengine load and save checkpoints safely.

Importing switokd_mm (or one of its backbones, as an exported network's
config does) changes nothing in mmengine. :func:`enable_safe_checkpoints`
does, for the whole process:

- every scheme of mmengine's ``CheckpointLoader`` (local files, http(s),
  ``torchvision://``, ``open-mmlab://``, ``mmcls://``, ``s3://``,
  ``pavi://``) loads with the weights-only allow-list loader
  (:mod:`~switokd_mm.checkpoint.remote_loaders`): ``load_from``,
  ``--resume``, ``init_cfg=dict(type='Pretrained', ...)``,
  ``teacher_ckpt`` and mmpretrain's ``init_model`` are all covered;
- mmengine's ``local`` file backend writes atomically
  (:class:`~switokd_mm.checkpoint.AtomicLocalBackend`).

It is called by :class:`~switokd_mm.engine.runner.SafeRunner` (the runner
of every switokd_mm config, ``runner_type='SafeRunner'``) when it is built,
and by the tools that load checkpoints without a runner (export, CAM).
"""
from mmengine.fileio import register_backend
from mmengine.runner import CheckpointLoader

from .atomic_file_backend import AtomicLocalBackend
from .remote_loaders import SAFE_LOADERS


def enable_safe_checkpoints() -> None:
    """Route every mmengine checkpoint load through the safe loaders and
    every local mmengine write through atomic writes (idempotent)."""
    for prefixes, loader in SAFE_LOADERS.items():
        CheckpointLoader.register_scheme(prefixes, loader, force=True)
    register_backend('local', AtomicLocalBackend, force=True, prefixes='')


def safe_checkpoints_enabled() -> bool:
    """Whether :func:`enable_safe_checkpoints` is in effect."""
    return all(
        CheckpointLoader._get_checkpoint_loader(prefix) is loader
        for prefix, loader in (('', SAFE_LOADERS['']),
                               ('https://', SAFE_LOADERS[('http://',
                                                          'https://')])))
