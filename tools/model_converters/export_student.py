"""Export networks of a training checkpoint as plain mmpretrain
classifiers (by default every student).

    python tools/model_converters/export_student.py CHECKPOINT OUT_DIR
    python tools/model_converters/export_student.py CHECKPOINT OUT_DIR \\
        --networks student teacher --config CONFIG

Writes, per network, ``OUT_DIR/<network>.pth`` (an ``ImageClassifier``
state dict without the ``student.`` prefix, no optimizer, no teacher) and
``OUT_DIR/<network>.py`` (a standalone mmpretrain config: the network,
its data preprocessor and the test data settings). Without ``--config``
the config stored in the checkpoint is read without executing it (plain
values only, see :func:`switokd_mm.checkpoint.literal_config.
parse_literal_config`);
the checkpoint itself is loaded weights-only. Nothing is written unless
every exported config reads back as the same plain values (a crafted key
cannot become code, see :func:`~switokd_mm.checkpoint.literal_config.
literal_config_text`) and every network's weights fit the network its
config builds exactly and are finite. mmpretrain's own
``tools/test.py``, ``init_model``/``get_model`` and
``ImageClassificationInferencer`` load them; only a network built from
switokd_mm's CIFAR backbones needs switokd_mm installed (the config then
imports it).
"""
import argparse
import copy
import os
import os.path as osp
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import torch
from mmengine.config import Config
from mmengine.runner.checkpoint import _load_checkpoint
from mmpretrain.registry import METRICS, MODELS

import switokd_mm  # noqa: F401  (registers the plugin)
from switokd_mm.checkpoint import atomic_write, enable_safe_checkpoints
from switokd_mm.checkpoint.fit_checks import check_weights_fit
from switokd_mm.checkpoint.literal_config import (literal_config_text,
                                                  parse_literal_config)
from switokd_mm.models.algorithms.multi_network_model import ROLES
from switokd_mm.models.distill import TRAINING_ONLY


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('checkpoint', help='a SwitOKD training checkpoint')
    parser.add_argument('out_dir', help='folder for <network>.pth/.py')
    parser.add_argument(
        '--networks',
        nargs='+',
        help='networks to export by name (default: every student, e.g. '
        'both of a 1T2S model)')
    parser.add_argument(
        '--config',
        help='training config; by default the '
        'one stored in the checkpoint')
    return parser.parse_args(argv)


def _typed_dicts(cfg: Any) -> Iterator[dict]:
    """Every dict with a ``type`` inside a (nested) config."""
    if isinstance(cfg, dict):
        if 'type' in cfg:
            yield cfg
        for value in cfg.values():
            yield from _typed_dicts(value)
    elif isinstance(cfg, (list, tuple)):
        for value in cfg:
            yield from _typed_dicts(value)


def _needs_switokd(model_cfg: dict) -> bool:
    """Whether the network uses a module that only switokd_mm registers."""
    for part in _typed_dicts(model_cfg):
        module = MODELS.get(part['type'])
        if module is not None and module.__module__.startswith('switokd_mm'):
            return True
    return False


def _plain_evaluator(evaluator: Any) -> Any:
    """The metric a PerNetworkMetric wraps (plain mmpretrain metric)."""
    if isinstance(evaluator, dict) and evaluator.get('type') in (
            'PerNetworkMetric', METRICS.get('PerNetworkMetric')):
        return evaluator['metric']
    return evaluator


def network_models(model_cfg: dict) -> Dict[str, Tuple[str, dict]]:
    """Role and classifier config of every network of a model config, by
    name: ``networks=dict(<name>=dict(role=..., model=...))`` (any number
    of networks) or the two-network form ``student=..., teacher=...``."""
    if 'networks' in model_cfg:
        return {  # classifiers only: other learners are training modules
            name: (spec['role'], spec['model'])
            for name, spec in model_cfg['networks'].items()
            if 'model' in spec
        }
    return {
        key: (key, value)
        for key, value in model_cfg.items()
        if key in ROLES and isinstance(value, dict) and 'type' in value
    }


def students(model_cfg: dict) -> List[str]:
    """The names of the networks of ``model_cfg`` with the student role."""
    return [
        name for name, (role, _) in network_models(model_cfg).items()
        if role == 'student'
    ]


def network_config(cfg: Config, network: str) -> Config:
    """A standalone mmpretrain config for one network of ``cfg.model``.

    Args:
        cfg: the training config.
        network: a network's name (``'student'``, ``'teacher'``, or a
            name of ``model.networks``).

    Returns:
        Config: model, data preprocessor and test settings only.
    """
    networks = network_models(cfg.model)
    if network not in networks:
        raise KeyError(f'the model has no network {network!r}; it has '
                       f'{list(networks)}')
    model = copy.deepcopy(networks[network][1])
    preprocessor = copy.deepcopy(
        cfg.model.get('data_preprocessor') or cfg.get('data_preprocessor')
        or {})
    preprocessor.setdefault('type', 'ClsDataPreprocessor')
    model['data_preprocessor'] = preprocessor
    exported: Dict[str, Any] = dict(default_scope='mmpretrain', model=model)
    if _needs_switokd(model):
        exported['custom_imports'] = dict(
            imports=['switokd_mm.models.backbones'],
            allow_failed_imports=False)
    for key in ('test_dataloader', 'test_cfg'):
        if cfg.get(key) is not None:
            exported[key] = copy.deepcopy(cfg[key])
    if cfg.get('test_evaluator') is not None:
        exported['test_evaluator'] = _plain_evaluator(
            copy.deepcopy(cfg.test_evaluator))
    return Config(exported)


def network_state_dict(state_dict: Dict[str, torch.Tensor],
                       network: str) -> Dict[str, torch.Tensor]:
    """The weights of ``network``, without its prefix and without the
    connectors and loss modules of its distillation terms (training-only
    modules)."""
    prefix = f'{network}.'
    weights = {
        k[len(prefix):]: v
        for k, v in state_dict.items() if k.startswith(prefix)
        and k[len(prefix):].split('.', 1)[0] not in TRAINING_ONLY
    }
    if not weights:
        raise KeyError(f'the checkpoint holds no {prefix}* weights')
    return weights


def export(checkpoint: str,
           out_dir: str,
           networks: Optional[Sequence[str]] = None,
           config: Optional[str] = None) -> Dict[str, str]:
    """Export networks of a training checkpoint (by default every
    student); returns their file stems.

    Raises:
        UnsafeConfigError: a network's config would not be written as
            plain values.
        RuntimeError: a network's weights do not fit the network its
            config builds, or are not finite.
    """
    enable_safe_checkpoints()
    ckpt = _load_checkpoint(checkpoint, map_location='cpu')
    meta = ckpt.get('meta', {})
    if config is not None:
        cfg = Config.fromfile(config)
    elif 'cfg' in meta:
        cfg = parse_literal_config(meta['cfg'])
    else:
        raise ValueError(f'{checkpoint} stores no config; pass --config')
    exports = {}
    for network in networks or students(cfg.model):
        network_cfg = network_config(cfg, network)
        weights = network_state_dict(ckpt['state_dict'], network)
        check_weights_fit(
            MODELS.build(network_cfg.model),
            weights,
            f'{checkpoint} ({network})',
            exact=True)
        exports[network] = (literal_config_text(network_cfg), weights)
    os.makedirs(out_dir, exist_ok=True)
    stems = {}
    for network, (text, weights) in exports.items():
        stem = osp.join(out_dir, network)
        with atomic_write(f'{stem}.py') as f:
            f.write(text.encode())
        with atomic_write(f'{stem}.pth') as f:
            torch.save(
                dict(
                    state_dict=weights,
                    meta=dict(
                        dataset_meta=meta.get('dataset_meta'),
                        exported_from=osp.abspath(checkpoint),
                        network=network)), f)
        stems[network] = stem
    return stems


def main(argv=None) -> None:
    args = parse_args(argv)
    for network, stem in export(args.checkpoint, args.out_dir, args.networks,
                                args.config).items():
        print(f'{network}: {stem}.pth + {stem}.py')


if __name__ == '__main__':
    main()
