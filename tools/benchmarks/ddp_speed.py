"""Iteration time of distributed SwitOKD on torch DDP against the former
hand-made scheme, with 1 and with N gloo processes on this machine.

    python tools/benchmarks/ddp_speed.py [--config CONFIG] [--world 2]
        [--batch-size 32] [--rounds 40] [--warmup 5] [--threads 1]

Variants, each one training iteration per round, interleaved (round-robin)
on every rank, each rank with its own synthetic batch:
  ddp_learning / ddp_expert   PerNetworkDistributedDataParallel (one torch
                              DDP per network: bucketed all-reduce
                              overlapped with each network's backward)
  manual_learning / manual_expert
                              the former scheme: no DDP, a network's
                              gradients all-reduced after its backward, just
                              before its step (only when it steps)
Modes are forced through the model config as in speed.py. Rank 0 reports
per-variant medians and, per mode, the ratio DDP / manual with a 95 %
bootstrap interval (rounds resampled). Run once per world size (1 and N);
with one process both schemes communicate nothing.
"""
import argparse
import os
import os.path as osp
import socket
import sys
import time

if __package__ in (None, ''):  # run as a script: make `tools` importable
    sys.path.insert(
        0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
import torch  # noqa: E402
import torch.distributed as dist  # noqa: E402
import torch.multiprocessing as mp  # noqa: E402
from mmengine.config import Config  # noqa: E402
from mmengine.dist import all_reduce_params  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402

import switokd_mm  # noqa: E402,F401
from switokd_mm.models.wrappers import \
    PerNetworkDistributedDataParallel  # noqa: E402
from tools.benchmarks.speed import PAIR  # noqa: E402
from tools.benchmarks.speed_stats import (bootstrap, medians,  # noqa: E402
                                          ratio, resample_indices)
from tools.benchmarks.speed_variants import build  # noqa: E402
from tools.benchmarks.speed_variants import synthetic_batch

MODES = {'learning': 'switokd_learning', 'expert': 'switokd_expert'}


def _manual(model, optim):
    """The former scheme: average a network's gradients just before its
    step (so a paused network communicates nothing)."""
    for wrapper in optim.values():
        step = wrapper.step

        def averaged_step(wrapper=wrapper, step=step, **kwargs):
            all_reduce_params([
                p.grad for group in wrapper.param_groups
                for p in group['params'] if p.grad is not None
            ],
                              op='mean')
            step(**kwargs)

        wrapper.step = averaged_step
    return model, optim


def _steps(cfg: Config, args) -> dict:
    """One training iteration of each variant, as a callable."""
    batch = synthetic_batch(cfg, args.batch_size, args.image_size, 'cpu')
    steps = {}
    for mode, name in MODES.items():
        torch.manual_seed(0)
        # optimizers built before wrapping: DDP keeps the Parameter objects
        model, optim = build(cfg, name, 'cpu')
        steps[f'ddp_{mode}'] = (PerNetworkDistributedDataParallel(model),
                                optim)
        torch.manual_seed(0)
        steps[f'manual_{mode}'] = _manual(*build(cfg, name, 'cpu'))
    return {
        name: (lambda m=model, o=optim: m.train_step(batch, o))
        for name, (model, optim) in steps.items()
    }


def _rank_main(rank: int, args, port: int, results) -> None:
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    dist.init_process_group('gloo', rank=rank, world_size=args.world)
    torch.set_num_threads(args.threads)
    init_default_scope('mmpretrain')
    cfg = Config.fromfile(args.config)
    steps = _steps(cfg, args)
    order = list(steps)
    samples = {name: [] for name in order}
    for index in range(args.warmup + args.rounds):
        shift = index % len(order)
        for name in order[shift:] + order[:shift]:
            dist.barrier()
            start = time.perf_counter()
            steps[name]()
            elapsed = time.perf_counter() - start
            if index >= args.warmup:
                samples[name].append(elapsed * 1e3)
    if rank == 0:
        results['samples'] = samples
    dist.destroy_process_group()


def measure(args) -> dict:
    """Per-variant samples (ms) of rank 0."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    with mp.Manager() as manager:
        results = manager.dict()
        mp.spawn(
            _rank_main, args=(args, port, results), nprocs=args.world,
            join=True)
        return dict(results['samples'])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--config', default=PAIR)
    parser.add_argument('--world', type=int, default=2)
    parser.add_argument('--batch-size', type=int, default=32)
    parser.add_argument('--image-size', type=int, default=28)
    parser.add_argument('--rounds', type=int, default=40)
    parser.add_argument('--warmup', type=int, default=5)
    parser.add_argument('--threads', type=int, default=1)
    args = parser.parse_args()
    samples = measure(args)
    indices = resample_indices(args.rounds, 2000)
    print(f'{args.world} gloo process(es), batch {args.batch_size} per '
          f'rank, {args.rounds} rounds, {args.threads} thread(s) each')
    for name, value in medians(samples).items():
        print(f'  {name:16s} {value:8.1f} ms')
    for mode in MODES:
        interval = bootstrap(samples, ratio(f'ddp_{mode}', f'manual_{mode}'),
                             indices)
        print(f'  {mode}: DDP / manual {interval.estimate:.3f} '
              f'[{interval.low:.3f}, {interval.high:.3f}]')


if __name__ == '__main__':
    main()
