"""Speed and memory of SwitOKD's two modes against their plain-PyTorch
ideals, DML and KDCL, with 95 % intervals that survive a shared machine.

    python tools/benchmarks/speed.py [--config CONFIG] [--device cuda]
        [--batch-size 64] [--image-size 28] [--threads 1] [--rounds 100]
        [--warmup 5] [--expert-fraction 0 0.25 0.5 0.75 1] [--profile]
        [--memory-iters N]
        [--docs docs/benchmarks.md] [--out RESULTS.json]

Variants (same networks from the config, same synthetic batch, real
optimizer steps; modes forced through the model config):
  switokd_learning  SwitOKD whose threshold is never reached (NeverSwitch)
  switokd_expert    SwitOKD whose threshold is always exceeded (fixed
                    delta 0, no dt < ds clause): the teacher always pauses
  dml, kdcl         the registered DML and KDCL models
  ideal_learning    teacher train step + student train step, plain PyTorch
  ideal_expert      teacher no-grad forward + student train step
  ffsd              FFSD from its own config (a leader and two students,
                    each the pair's student; fusion module and decoders),
                    when that config's data are the pair's

Each round runs one iteration of every variant, in a rotating order; the
per-variant medians of wall time and process CPU time over the rounds give
the ratios, and a bootstrap over rounds their 95 % intervals. The control
(SwitOKD in learning mode vs DML, the same work) must contain 1.0,
otherwise the run says the machine was too noisy and by how much. The
epoch table predicts SwitOKD's epoch time relative to DML and KDCL for a
share f of expert iterations (read f from a run's ``switokd/expert``).
On CUDA, wall times come from CUDA events and peak memory from
``torch.cuda.max_memory_allocated`` (per iteration, above its start); on
the CPU, with ``--memory-iters N``, the peak resident memory of a fresh
process per variant over N iterations.
``--profile`` counts the host reads of device values per iteration.
"""
import argparse
import json
import os.path as osp
import platform
import subprocess
import sys
import time
from typing import Optional

if __package__ in (None, ''):  # run as a script: make `tools` importable
    sys.path.insert(
        0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
import mmengine  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from mmengine.config import Config  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402

import switokd_mm  # noqa: E402,F401
import tools.benchmarks.speed_profile as speed_profile  # noqa: E402
import tools.benchmarks.speed_report as speed_report  # noqa: E402
import tools.benchmarks.speed_timing as speed_timing  # noqa: E402
import tools.benchmarks.speed_variants as speed_variants  # noqa: E402

#: the demo's pair with the default losses (the demo config's Eq. 5
#: teacher would make the DML variant a DML with a labels-only teacher)
PAIR = ('configs/fashion_mnist/'
        'switokd_wrn16-1_resnet8-w4_1xb128_fashion-mnist.py')


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--config', default=PAIR)
    parser.add_argument('--device', default='cpu', help='cpu or cuda[:N]')
    parser.add_argument('--batch-size', type=int, default=64)
    parser.add_argument(
        '--threads',
        type=int,
        default=1,
        help='intra-op CPU threads (1: no thread barriers that a busy '
        'machine stretches; ignored on CUDA)')
    parser.add_argument('--image-size', type=int, default=28)
    parser.add_argument(
        '--rounds',
        type=int,
        default=100,
        help='measured rounds, one iteration of every variant each')
    parser.add_argument('--warmup', type=int, default=5)
    parser.add_argument('--resamples', type=int, default=2000)
    parser.add_argument(
        '--memory-iters',
        type=int,
        default=0,
        help='peak memory on the CPU: iterations of each variant, each in a '
        'fresh process (default 0: not measured)')
    parser.add_argument(
        '--expert-fraction',
        type=float,
        nargs='+',
        default=[0, 0.25, 0.5, 0.75, 1],
        help='expert shares f of the epoch-time prediction')
    parser.add_argument(
        '--profile',
        action='store_true',
        help='also count host reads and synchronisations per iteration')
    parser.add_argument('--profile-iters', type=int, default=3)
    parser.add_argument(
        '--docs', help='write the report between the markers of this file')
    parser.add_argument('--out', help='also write the results as JSON')
    return parser.parse_args(argv)


def cuda_unavailable(device: str) -> Optional[str]:
    """Why ``device`` cannot be used here, checked before any work.

    Args:
        device: ``'cpu'``, ``'cuda'`` or ``'cuda:N'``.

    Returns:
        str | None: one sentence, or None when ``device`` is the CPU or
        CUDA is available.
    """
    if device.startswith('cuda') and not torch.cuda.is_available():
        return (f'--device {device}: CUDA is not available on this machine '
                f'(torch {torch.__version__})')
    return None


def describe(args: argparse.Namespace) -> str:
    """The run's set-up in one paragraph (device, versions, commit)."""
    if args.device.startswith('cuda'):
        device = torch.cuda.get_device_name(args.device)
    else:
        device = (f'{platform.processor() or platform.machine()} CPU, '
                  f'intra-op threads: {torch.get_num_threads()}')
    commit = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'],
                            capture_output=True,
                            text=True,
                            cwd=osp.dirname(osp.abspath(__file__))).stdout
    date = time.strftime('%Y-%m-%d', time.gmtime())
    return (f'{date}, `{args.config}`, batch {args.batch_size}, '
            f'{args.image_size}×{args.image_size} images; {device}; torch '
            f'{torch.__version__}, mmengine {mmengine.__version__}; commit '
            f'`{commit.strip() or "unknown"}`; {args.rounds} interleaved '
            f'rounds after {args.warmup} warm-up rounds, medians, 95 % '
            f'intervals from {args.resamples} bootstrap resamples of the '
            f'rounds.')


def profile_variants(steps: dict, args: argparse.Namespace) -> dict:
    """Host reads and profiler events per iteration of every variant."""
    return dict(
        host_reads={
            name: speed_profile.host_reads(step, args.profile_iters)
            for name, step in steps.items()
        },
        profiler={
            name:
            speed_profile.profiler_counts(step, args.profile_iters,
                                          args.device)
            for name, step in steps.items()
        })


def to_json(value):
    """Intervals as [estimate, low, high], keys as strings."""
    if isinstance(value, dict):
        return {
            ' @ '.join(k) if isinstance(k, tuple) else str(k): to_json(v)
            for k, v in value.items()
        }
    if isinstance(value, tuple):
        return list(value)
    return value


def main(argv=None) -> dict:
    """Run the benchmark; the caller's torch thread count is restored after
    it (``main`` also runs inside other processes, e.g. the tests)."""
    args = parse_args(argv)
    reason = cuda_unavailable(args.device)
    if reason:  # one line, not torch's 'Found no NVIDIA driver' traceback
        raise SystemExit(f'speed.py: {reason}; use --device cpu instead')
    threads = torch.get_num_threads()
    try:
        return benchmark(args, argv)
    finally:
        torch.set_num_threads(threads)


def benchmark(args: argparse.Namespace, argv=None) -> dict:
    """Measure, report and write what ``args`` asks for."""
    cfg = Config.fromfile(args.config)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    cuda = args.device.startswith('cuda')
    if cuda:  # memory statistics and events refer to the current device
        torch.cuda.set_device(torch.device(args.device).index or 0)
    else:
        torch.set_num_threads(args.threads)
    memory = {}
    if not cuda and args.memory_iters > 0:
        memory = speed_timing.cpu_peak_memories(args.config, args.batch_size,
                                                args.image_size,
                                                args.memory_iters)
    batch = speed_variants.synthetic_batch(cfg, args.batch_size,
                                           args.image_size, args.device)
    steps = speed_variants.variant_steps(cfg, batch, args.device)
    samples = speed_timing.round_robin(steps, args.rounds, args.warmup,
                                       args.device)
    if cuda:
        memory = {
            name: float(np.max(values.pop('peak_mib')))
            for name, values in samples.items()
        }
    analysis = speed_report.analyse(samples, args.expert_fraction,
                                    args.resamples)
    profile = profile_variants(steps, args) if args.profile else None
    command = 'python tools/benchmarks/speed.py ' + ' '.join(
        sys.argv[1:] if argv is None else argv)
    report = (f'    {command.strip()}\n\n{describe(args)}\n\n' +
              speed_report.markdown(analysis, memory, profile))
    print(report)
    if args.docs:
        with open(args.docs) as f:
            document = f.read()
        with open(args.docs, 'w') as f:
            f.write(speed_report.replace_section(document, report))
    results = dict(analysis, samples=samples, peak_mib=memory, profile=profile)
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(to_json(results), f, indent=2)
    return results


if __name__ == '__main__':
    main()
