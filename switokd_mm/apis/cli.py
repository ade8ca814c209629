"""Command-line arguments shared by tools/train.py and tools/test.py."""
import argparse
import os
import os.path as osp

import torch
from mmengine.config import Config, DictAction
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

from switokd_mm.checkpoint import enable_safe_checkpoints
from switokd_mm.utils.quiet import quiet_logger
from .dist_env import init_cpu_process_group
from .registry_checks import check_model_types


def add_runner_args(parser: argparse.ArgumentParser) -> None:
    """Add ``--work-dir``, ``--cfg-options``, ``--launcher``, ``--local-rank``
    with mmpretrain's meaning."""
    parser.add_argument('--work-dir', help='folder for logs and checkpoints')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, key=value (e.g. '
        'train_cfg.max_epochs=2 model.alpha=0.5)')
    parser.add_argument(
        '--launcher',
        default='none',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def load_config(args: argparse.Namespace) -> Config:
    """Load ``args.config`` and apply the arguments of
    :func:`add_runner_args`; the work dir defaults to
    ``work_dirs/<config name>``. A distributed launch on a machine without
    CUDA gets its gloo process group here. An unknown ``type`` in the model
    config stops it here (KeyError), before the Runner logs its
    environment."""
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    init_cpu_process_group(args.launcher)
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    check_model_types(cfg)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    dist_cfg = cfg.get('env_cfg', {}).get('dist_cfg', {})
    if not torch.cuda.is_available() and dist_cfg.get('backend') == 'nccl':
        dist_cfg['backend'] = 'gloo'
    return cfg


def enable_tensorboard(cfg: Config) -> None:
    """Add mmengine's ``TensorboardVisBackend`` to the visualizer: event
    files under ``<work_dir>/<timestamp>/vis_data``, next to the local
    ``scalars.json``."""
    visualizer = cfg.setdefault('visualizer', dict(type='Visualizer'))
    backends = visualizer.setdefault('vis_backends', [])
    if not any(b.get('type') == 'TensorboardVisBackend' for b in backends):
        backends.append(dict(type='TensorboardVisBackend'))


def build_runner(cfg: Config) -> Runner:
    """The runner named by ``runner_type``, by default
    :class:`~switokd_mm.engine.runner.SafeRunner`; safe checkpoint loading
    is on whichever runner the config names; its logger drops the
    third-party notices of :mod:`.quiet`."""
    from switokd_mm.engine.runner import SafeRunner
    enable_safe_checkpoints()
    runner = SafeRunner.from_cfg(cfg) if 'runner_type' not in cfg else \
        RUNNERS.build(cfg)
    quiet_logger(runner.logger)
    if not torch.cuda.is_available():
        runner.logger.info(
            f'No CUDA: {runner.world_size} CPU process(es) '
            f'("GPU number" above counts processes)')
    return runner
