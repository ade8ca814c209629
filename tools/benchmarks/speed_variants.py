"""The workloads the speed benchmark compares, each one training iteration
on the same synthetic batch with real optimizer steps.

SwitOKD's modes are forced through the public model config only (a
threshold that is never reached, or one that is always exceeded with the
``dt < ds`` clause off), so the benchmark does not depend on the models'
internals.
"""
import copy
from typing import Callable, Dict, Tuple

import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from switokd_mm.models.losses import distillation_kl

#: model overrides of the registered models; G > 0 = delta in every
#: iteration, so the expert variant's teacher is always paused
MODELS_OVERRIDES = {
    'switokd_learning':
    dict(type='SwitOKD', threshold=dict(type='NeverSwitch')),
    'switokd_expert':
    dict(
        type='SwitOKD',
        threshold=dict(type='FixedThreshold', delta=0.0),
        require_teacher_ahead=False),
    'dml':
    dict(type='DML'),
    'kdcl':
    dict(type='KDCL'),
}
#: plain PyTorch steps of the same networks: whether the teacher learns
IDEALS = {'ideal_learning': True, 'ideal_expert': False}
VARIANTS = (*MODELS_OVERRIDES, *IDEALS)
#: the config keys every two-network model takes
NETWORK_KEYS = ('student', 'teacher', 'data_preprocessor')
#: the models that take SwitOKD's loss settings (alpha, beta, tau, ...)
SWITOKD_FAMILY = ('SwitOKD', 'DML')
#: keys that force a mode, never carried over from the user's config
MODE_KEYS = ('type', 'threshold', 'require_teacher_ahead')


def variant_model_cfg(cfg: Config, name: str) -> dict:
    """The model config of a variant, built from the user's config.

    Every variant gets the config's networks and data preprocessor; the
    SwitOKD and DML variants also get its loss settings when the config is
    a SwitOKD or a DML (KDCL keeps its own defaults).

    Args:
        cfg: a two-network config (SwitOKD, DML or KDCL).
        name: a key of :data:`MODELS_OVERRIDES`.

    Returns:
        dict: the model config.
    """
    overrides = MODELS_OVERRIDES[name]
    model = copy.deepcopy(cfg.model)
    kept = [k for k in NETWORK_KEYS if k in model]
    if (overrides['type'] in SWITOKD_FAMILY
            and model.get('type') in SWITOKD_FAMILY):
        kept += [k for k in model if k not in (*MODE_KEYS, *NETWORK_KEYS)]
    model_cfg = {key: model[key] for key in kept}
    model_cfg.setdefault('data_preprocessor', cfg.get('data_preprocessor'))
    model_cfg.update(copy.deepcopy(overrides))
    return model_cfg


def build(cfg: Config, name: str, device: str) -> Tuple:
    """A variant's model (train mode, on ``device``) and its optimizers."""
    model = MODELS.build(variant_model_cfg(cfg, name)).to(device).train()
    return model, build_optim_wrapper(model, copy.deepcopy(cfg.optim_wrapper))


def synthetic_batch(cfg: Config, batch_size: int, image_size: int,
                    device: str) -> dict:
    """A dataloader-style batch of random images and labels (seed 0)."""
    preprocessor = cfg.model.get('data_preprocessor') or cfg.data_preprocessor
    generator = torch.Generator().manual_seed(0)
    images = torch.randint(
        0,
        256, (batch_size, len(preprocessor.mean), image_size, image_size),
        dtype=torch.uint8,
        generator=generator)
    labels = torch.randint(
        0, preprocessor.num_classes, (batch_size, ), generator=generator)
    return dict(
        inputs=list(images.to(device)),
        data_samples=[DataSample().set_gt_label(int(y)) for y in labels])


def plain_steps(model, optim, batch: dict,
                teacher_learns: bool) -> Callable[[], None]:
    """The ideal: the same networks and losses without SwitOKD around, the
    batch preprocessed once per step as any mmpretrain train step does."""
    student, teacher = model.student, model.teacher
    s_opt, t_opt = optim['student'].optimizer, optim['teacher'].optimizer

    def step() -> None:
        data = model.data_preprocessor(batch, True)
        inputs = data['inputs']
        labels = torch.cat([s.gt_label for s in data['data_samples']])
        with torch.set_grad_enabled(teacher_learns):
            z_t = teacher(inputs, mode='tensor')
        z_s = student(inputs, mode='tensor')
        loss_s = F.cross_entropy(z_s, labels) + distillation_kl(z_s, z_t)
        s_opt.zero_grad()
        loss_s.backward()
        s_opt.step()
        if teacher_learns:
            loss_t = F.cross_entropy(z_t, labels) + distillation_kl(z_t, z_s)
            t_opt.zero_grad()
            loss_t.backward()
            t_opt.step()

    return step


def variant_step(cfg: Config, name: str, batch: dict,
                 device: str) -> Callable[[], None]:
    """One training iteration of the named variant, freshly built."""
    if name in IDEALS:
        model, optim = build(cfg, 'switokd_learning', device)
        return plain_steps(model, optim, batch, IDEALS[name])
    model, optim = build(cfg, name, device)
    return lambda: model.train_step(batch, optim)


def variant_steps(cfg: Config, batch: dict,
                  device: str) -> Dict[str, Callable[[], None]]:
    """Every variant's iteration, each with its own model (seed 0)."""
    steps = {}
    for name in VARIANTS:
        torch.manual_seed(0)
        steps[name] = variant_step(cfg, name, batch, device)
    return steps
