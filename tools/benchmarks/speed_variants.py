"""The workloads the speed benchmark compares, each one training iteration
on the same synthetic batch with real optimizer steps.

SwitOKD's modes are forced through the public model config only (a
threshold that is never reached, or one that is always exceeded with the
``dt < ds`` clause off), so the benchmark does not depend on the models'
internals.
"""
import copy
import os.path as osp
from typing import Callable, Dict, Tuple

import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.logging import MessageHub
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
ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
#: other algorithms, each built from its own config (networks and
#: optimizers), timed on the same batch when their data are the pair's:
#: FFSD, a leader and two students of the pair's student
OWN_CONFIGS = {
    'ffsd':
    osp.join(ROOT, 'configs', 'fashion_mnist',
             'ffsd_resnet8-w4x3_1xb128_fashion-mnist.py')
}
VARIANTS = (*MODELS_OVERRIDES, *IDEALS, *OWN_CONFIGS)
#: what a batch must agree in to feed another config's model
DATA_KEYS = ('mean', 'std', 'num_classes')
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


def data_of(cfg: Config) -> dict:
    """The data preprocessor settings a batch must fit."""
    preprocessor = cfg.model.get('data_preprocessor') or cfg.data_preprocessor
    return {key: preprocessor.get(key) for key in DATA_KEYS}


def variants(cfg: Config) -> Tuple[str, ...]:
    """The variants for the pair ``cfg``: every model variant and ideal,
    and the other algorithms whose config takes the same data."""
    return (*MODELS_OVERRIDES, *IDEALS, *(
        name for name, path in OWN_CONFIGS.items()
        if data_of(Config.fromfile(path)) == data_of(cfg)))


def own_config_step(name: str, batch: dict,
                    device: str) -> Callable[[], None]:
    """One iteration of an algorithm built from its own config (its epoch,
    which FFSD's warm-up reads, set to the first when none is)."""
    own = Config.fromfile(OWN_CONFIGS[name])
    model = MODELS.build(own.model).to(device).train()
    optim = build_optim_wrapper(model, copy.deepcopy(own.optim_wrapper))
    hub = MessageHub.get_current_instance()
    if hub.get_info('epoch') is None:
        hub.update_info('epoch', 0)
    return lambda: model.train_step(batch, optim)


def variant_step(cfg: Config, name: str, batch: dict,
                 device: str) -> Callable[[], None]:
    """One training iteration of the named variant, freshly built."""
    if name in OWN_CONFIGS:
        return own_config_step(name, batch, device)
    if name in IDEALS:
        model, optim = build(cfg, 'switokd_learning', device)
        return plain_steps(model, optim, batch, IDEALS[name])
    model, optim = build(cfg, name, device)
    return lambda: model.train_step(batch, optim)


def variant_steps(cfg: Config, batch: dict,
                  device: str) -> Dict[str, Callable[[], None]]:
    """Every variant's iteration, each with its own model (seed 0)."""
    steps = {}
    for name in variants(cfg):
        torch.manual_seed(0)
        steps[name] = variant_step(cfg, name, batch, device)
    return steps
