"""Train a SwitOKD model (or any mmpretrain model) with mmengine's Runner.

Same arguments as mmpretrain's tools/train.py, e.g.::

    python tools/train.py configs/switokd_r18_r34_in1k.py --work-dir DIR
    python tools/train.py CONFIG --resume            # latest checkpoint
    python tools/train.py CONFIG --resume PATH.pth   # a given checkpoint
    python tools/train.py CONFIG --tensorboard       # + TensorBoard events
"""
import argparse
from contextlib import nullcontext

import torch
from mmengine.config import Config
from mmengine.hooks import Hook

import switokd_mm  # noqa: F401  (registers the plugin)
from switokd_mm.apis import cli
from switokd_mm.apis.dist_env import (exit_with_launcher, launch_rank,
                                      process_group_closed_at_exit)
from switokd_mm.checkpoint import find_resume_checkpoint
from switokd_mm.datasets import check_data_roots
from switokd_mm.engine.runner.work_dir_lock import work_dir_lock


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a model')
    parser.add_argument('config', help='train config file path')
    cli.add_runner_args(parser)
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from the given checkpoint, or, without a value, from '
        'the latest checkpoint in the work directory')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='automatic mixed precision for every network')
    parser.add_argument(
        '--no-validate',
        action='store_true',
        help='do not evaluate during training')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale every network\'s lr by (world size x batch size) / '
        'auto_scale_lr.base_batch_size of the config')
    parser.add_argument(
        '--tensorboard',
        action='store_true',
        help='also write TensorBoard event files (in the run\'s '
        'vis_data folder; view with: tensorboard --logdir WORK_DIR)')
    return parser.parse_args(argv)


class FinishedRunNotice(Hook):
    """Say so when a resumed run has nothing left to train (mmengine's
    loop would return without a word)."""

    def before_train(self, runner) -> None:
        if runner.iter >= runner.max_iters:
            runner.logger.warning(
                f'Nothing to train: the resumed checkpoint is at iteration '
                f'{runner.iter} (epoch {runner.epoch}), the end of train_cfg;'
                f' raise it (e.g. --cfg-options train_cfg.max_epochs=N) to '
                f'train longer')


def enable_amp(cfg: Config) -> None:
    """Mixed precision for every network's optimizer wrapper.

    With CUDA: mmengine's ``AmpOptimWrapper`` (fp16, dynamic loss scaling).
    Without: :class:`AutocastOptimWrapper` (bfloat16 autocast, no scaling).
    mmpretrain's ``--amp`` overwrites ``optim_wrapper.type``, which would
    break a dict of per-network wrappers; each entry is set instead.
    """
    amp = (
        dict(type='AmpOptimWrapper', loss_scale='dynamic')
        if torch.cuda.is_available() else dict(
            type='AutocastOptimWrapper', dtype='bfloat16'))
    wrappers = cfg.optim_wrapper
    entries = ([wrappers] if 'optimizer' in wrappers else
               [v for v in wrappers.values() if isinstance(v, dict)])
    for entry in entries:
        entry.update(amp)


def merge_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Apply the training arguments to the config."""
    if args.no_validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    if args.amp:
        enable_amp(cfg)
    if args.resume == 'auto':
        # resolved here rather than by mmengine, whose last_checkpoint
        # pointer is not written atomically
        cfg.load_from = find_resume_checkpoint(cfg.work_dir)
        cfg.resume = cfg.load_from is not None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume
    if args.auto_scale_lr:
        if 'base_batch_size' not in (cfg.get('auto_scale_lr') or {}):
            raise ValueError(
                '--auto-scale-lr needs the batch size the config\'s lrs are '
                'meant for: add auto_scale_lr = dict(base_batch_size=N) to '
                'the config (mmpretrain\'s convention)')
        cfg.auto_scale_lr.enable = True
    if args.tensorboard:
        cli.enable_tensorboard(cfg)
    return cfg


def main(argv=None) -> None:
    args = parse_args(argv)
    exit_with_launcher(args.launcher)
    cfg = cli.load_config(args)
    # one run per work dir, taken before anything is written or --resume
    # picks a checkpoint; rank 0 holds it for every rank of the run
    lock = work_dir_lock(cfg.work_dir) \
        if launch_rank(args.launcher) == 0 else nullcontext()
    with lock:
        cfg = merge_args(cfg, args)
        check_data_roots(cfg, ('train_dataloader', 'val_dataloader'))
        runner = cli.build_runner(cfg)
        if cfg.get('resume'):
            runner.register_hook(FinishedRunNotice())
        elif args.resume == 'auto':
            runner.logger.warning(
                f'--resume: {cfg.work_dir} holds no training checkpoint '
                f'(epoch_N.pth / iter_N.pth) to resume from; training starts '
                f'from scratch')
        with process_group_closed_at_exit():
            runner.train()


if __name__ == '__main__':
    main()
