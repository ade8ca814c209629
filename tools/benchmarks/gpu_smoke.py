"""GPU smoke check of the flagship pair, ResNet-34 teacher -> ResNet-18
student (configs/switokd_r18_r34_in1k.py), on synthetic images: no dataset
needed.

    bash tools/benchmarks/gpu_smoke.sh [--iters 40] [--val-iters 5]
        [--batch-size 64] [--image-size 224] [--rounds 30] [--warmup 5]
        [--timeout 150] [--work-dir work_dirs/gpu_smoke]

Checks, each in processes of its own:
  train learning, train expert: tools/train.py --amp (fp16 with a loss
      scaler on CUDA) through tools/dist_train.sh with one process, so that
      the run has a process group of world size 1 and the config's
      sync_bn='torch' turns every BatchNorm into a SyncBatchNorm; --iters
      iterations of random images, then a validation of --val-iters
      batches; SwitOKD's mode forced through the model config as speed.py
      forces it.
  speed: speed.py --device cuda --profile on the same pair and batch size:
      per-variant iteration time, peak memory, host reads of device values
      and CUDA synchronisations per iteration.
Each check is stopped after --timeout seconds, so the whole run ends within
3 x 150 s with the defaults (expected: 2-3 minutes on one recent GPU; not
yet measured on one). Then one summary table: for the training runs
mmengine's iteration time (the mean of the last 10 iterations) and peak
allocated memory, for speed.py's variants the medians over the rounds and
the profile's counts. The logs, the configs run and speed.py's report stay
in --work-dir. Exit status 0 when every check passed, 1 otherwise.

Without CUDA it says so in one line and exits 0. ``--device cpu`` runs the
same checks on the CPU (bfloat16 autocast, no sync_bn: SyncBatchNorm needs
an accelerator), as the tests do with tiny sizes.
"""
import argparse
import glob
import json
import math
import os
import os.path as osp
import signal
import socket
import subprocess
import sys
from typing import Dict, List, Optional, Sequence

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
if __package__ in (None, ''):  # run as a script: make `tools` importable
    sys.path.insert(0, ROOT)
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
from mmengine.config import Config  # noqa: E402
from mmengine.hooks import Hook  # noqa: E402
from mmengine.optim import AmpOptimWrapper  # noqa: E402
from mmpretrain.registry import DATASETS, HOOKS  # noqa: E402
from mmpretrain.structures import DataSample  # noqa: E402
from torch.utils.data import Dataset  # noqa: E402

from switokd_mm.engine import optim_wrappers  # noqa: E402
from switokd_mm.utils import load_records, summarize_records  # noqa: E402
from tools.benchmarks import speed  # noqa: E402
from tools.benchmarks.speed_profile import PROFILED  # noqa: E402
from tools.benchmarks.speed_report import markdown_table  # noqa: E402
from tools.benchmarks.speed_variants import variant_model_cfg  # noqa: E402

FLAGSHIP = 'configs/switokd_r18_r34_in1k.py'
#: the trained modes (speed.py's variants) and the expert share each shows
MODES = {'switokd_learning': 0.0, 'switokd_expert': 1.0}
#: profiler events that make the host wait for the device
SYNC_EVENTS = tuple(e for e in PROFILED if e.endswith('Synchronize'))
#: what the probe hook writes into a run's work dir
PROBE_FILE = 'gpu_smoke_probe.json'
HEADER = ('check', 'result', 'ms / iter', 'peak MiB', 'host reads / iter',
          'CUDA syncs / iter', 'notes')


@DATASETS.register_module()
class SyntheticImages(Dataset):
    """Random uint8 images and labels as mmpretrain's ``PackInputs`` gives
    them, each drawn from ``seed + index``: no files, the same every run.

    Args:
        length: number of samples.
        num_classes: labels are drawn from ``[0, num_classes)``.
        image_size: height and width.
        channels: image channels.
        seed: seed of sample 0.
    """

    def __init__(self,
                 length: int,
                 num_classes: int,
                 image_size: int,
                 channels: int = 3,
                 seed: int = 0) -> None:
        self.length, self.num_classes = length, num_classes
        self.shape = (channels, image_size, image_size)
        self.seed = seed

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index: int) -> dict:
        generator = torch.Generator().manual_seed(self.seed + index)
        image = torch.randint(
            0, 256, self.shape, dtype=torch.uint8, generator=generator)
        label = int(torch.randint(self.num_classes, (), generator=generator))
        return dict(
            inputs=image, data_samples=DataSample().set_gt_label(label))


@HOOKS.register_module()
class SmokeProbe(Hook):
    """Writes what the run trains with into ``<work_dir>/``
    :data:`PROBE_FILE`: its BatchNorm layers, how many of them are
    SyncBatchNorm, and each optimizer wrapper's class and whether it casts
    (AMP)."""

    def before_train(self, runner) -> None:
        norms = [
            m for m in runner.model.modules()
            if isinstance(m, nn.modules.batchnorm._BatchNorm)
        ]
        wrappers = dict(runner.optim_wrapper.items())
        probe = dict(
            batch_norms=len(norms),
            sync_batch_norms=sum(
                isinstance(m, nn.SyncBatchNorm) for m in norms),
            wrappers={
                name: type(wrapper).__name__
                for name, wrapper in wrappers.items()
            },
            amp=all(
                isinstance(wrapper, (AmpOptimWrapper,
                                     optim_wrappers.AutocastOptimWrapper))
                for wrapper in wrappers.values()))
        with open(osp.join(runner.work_dir, PROBE_FILE), 'w') as f:
            json.dump(probe, f)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--device', default='cuda', choices=['cuda', 'cpu'])
    parser.add_argument(
        '--iters', type=int, default=40, help='training iterations per mode')
    parser.add_argument(
        '--val-iters', type=int, default=5, help='validation batches')
    parser.add_argument('--batch-size', type=int, default=64)
    parser.add_argument('--image-size', type=int, default=224)
    parser.add_argument(
        '--rounds', type=int, default=30, help="speed.py's measured rounds")
    parser.add_argument(
        '--warmup', type=int, default=5, help="speed.py's warm-up rounds")
    parser.add_argument(
        '--timeout',
        type=int,
        default=150,
        help='seconds a training run or the speed run may take before it '
        'is stopped')
    parser.add_argument('--work-dir', default='work_dirs/gpu_smoke')
    return parser.parse_args(argv)


def smoke_config(mode: str, args: argparse.Namespace) -> Config:
    """The flagship config for one mode of the smoke run.

    Args:
        mode: a key of :data:`MODES`.
        args: the smoke run's arguments.

    Returns:
        Config: synthetic train, val and test data, one epoch of
        ``args.iters`` iterations, every iteration logged (its time and
        peak memory reach ``scalars.json``), no checkpoint (two ResNets'
        270 MB are not what is checked), the probe hook, and on CUDA
        ``sync_bn='torch'``.
    """
    cfg = Config.fromfile(osp.join(ROOT, FLAGSHIP))
    cfg.model = variant_model_cfg(cfg, mode)

    def loader(batches: int) -> dict:
        return dict(
            batch_size=args.batch_size,
            num_workers=2,
            persistent_workers=False,
            sampler=dict(type='DefaultSampler', shuffle=False),
            dataset=dict(
                type='SyntheticImages',
                length=batches * args.batch_size,
                num_classes=cfg.data_preprocessor.num_classes,
                image_size=args.image_size))

    cfg.train_dataloader = loader(args.iters)
    cfg.val_dataloader = cfg.test_dataloader = loader(args.val_iters)
    cfg.train_cfg.max_epochs = 1
    cfg.custom_imports.imports.append('tools.benchmarks.gpu_smoke')
    cfg.custom_hooks = [*cfg.get('custom_hooks', []), dict(type='SmokeProbe')]
    cfg.default_hooks.logger.interval = 1
    cfg.default_hooks.checkpoint = None
    if args.device == 'cuda':  # SyncBatchNorm refuses CPU tensors
        cfg.sync_bn = 'torch'
    return cfg


def free_port() -> int:
    """A TCP port no process listens on now, for torchrun's rendezvous."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def child_env(args: argparse.Namespace) -> Dict[str, str]:
    """The environment of the checks' processes: this Python (for
    tools/torchrun.sh), and no GPU in sight with ``--device cpu``."""
    env = dict(os.environ, PYTHON=sys.executable)
    if args.device == 'cpu':
        env['CUDA_VISIBLE_DEVICES'] = ''
    return env


def run_logged(command: Sequence[str], env: Dict[str, str], log: str,
               timeout: int) -> Optional[str]:
    """Run ``command`` in the repository, its output into ``log``.

    Returns:
        str | None: what went wrong (exit status and the log's last line,
        or the timeout), None on success.
    """
    with open(log, 'w') as out:
        # a session of its own: a timeout stops torchrun and its worker
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True)
        try:
            status = process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait()
            return f'stopped after {timeout} s (log: {log})'
    if status == 0:
        return None
    with open(log) as f:
        lines = [line.strip() for line in f if line.strip()] or ['']
    return f'exit status {status}: {lines[-1]} (log: {log})'


def train_mode(mode: str, args: argparse.Namespace) -> List[str]:
    """Train one mode (see the module's docstring); its summary row."""
    work_dir = osp.join(args.work_dir, mode)
    os.makedirs(work_dir, exist_ok=True)
    config = osp.join(work_dir, 'config.py')
    smoke_config(mode, args).dump(config)
    env = dict(child_env(args), PORT=str(free_port()))
    error = run_logged([
        'bash', 'tools/dist_train.sh', config, '1', '--amp', '--work-dir',
        work_dir
    ], env, osp.join(work_dir, 'train.log'), args.timeout)
    check = f'train {mode.split("_")[1]}'
    if error:
        return [check, 'FAILED', '–', '–', '–', '–', error]
    # the newest run of this work dir: an earlier smoke run's stay beside
    latest = sorted(glob.glob(osp.join(work_dir, '*', 'vis_data')))[-1]
    with open(osp.join(work_dir, PROBE_FILE)) as f:
        probe = json.load(f)
    return train_row(check, load_records(osp.join(latest, 'scalars.json')),
                     probe, MODES[mode], args)


def train_row(check: str, records: List[dict], probe: dict,
              expert_share: float, args: argparse.Namespace) -> List[str]:
    """The summary row of a training run, from its scalars and its probe.

    Args:
        check: the row's name.
        records: the run's scalars (:func:`load_records`).
        probe: what :class:`SmokeProbe` wrote.
        expert_share: the share of expert iterations the mode must show.
        args: the smoke run's arguments.

    Returns:
        list[str]: the cells of :data:`HEADER`; the result is ``FAILED``
        with the reasons in the notes when an iteration is missing, a loss
        is not finite, the validation or AMP is missing, the mode is not
        the forced one or (on CUDA) a BatchNorm is not a SyncBatchNorm.
    """
    train = [r for r in records if 'loss' in r]
    summary = summarize_records(records)
    problems = []
    if summary['iterations'] != args.iters:
        problems.append(f"{summary['iterations']} of {args.iters} "
                        f'iterations logged')
    if not all(math.isfinite(r['loss']) for r in train):
        problems.append('a loss is not finite')
    if 'student/accuracy/top1' not in summary:
        problems.append('no validation')
    if summary['expert_fraction'] != expert_share:
        problems.append(f'expert share {summary["expert_fraction"]:.2f}, '
                        f'forced {expert_share:.0f}')
    if not probe['amp']:
        problems.append('an optimizer wrapper without AMP')
    syncs = f"{probe['sync_batch_norms']}/{probe['batch_norms']}"
    if args.device == 'cuda' and not (0 < probe['sync_batch_norms'] ==
                                      probe['batch_norms']):
        problems.append(f'{syncs} BatchNorm layers are SyncBatchNorm')
    notes = [
        f"{summary['iterations']} iterations, expert share "
        f"{summary['expert_fraction']:.2f}",
        f'{syncs} BatchNorm layers SyncBatchNorm',
        ', '.join(sorted(set(probe['wrappers'].values()))),
    ]
    # mmengine's time: the mean over its window (10 iterations) at the end
    time_ms = f"{1e3 * train[-1]['time']:.1f}" if train else '–'
    memory = [r['memory'] for r in train if 'memory' in r]
    peak = f'{max(memory):.0f}' if memory else '–'
    return [
        check, 'FAILED' if problems else 'ok', time_ms, peak, '–', '–',
        '; '.join(problems + notes)
    ]


def speed_rows(args: argparse.Namespace) -> List[List[str]]:
    """speed.py --profile on the flagship pair, in a process of its own;
    one summary row per variant (one FAILED row when it failed). Its
    report goes to ``speed.log`` in the work dir, its results to
    ``speed.json``."""
    results = osp.join(args.work_dir, 'speed.json')
    error = run_logged([
        sys.executable, 'tools/benchmarks/speed.py', '--config', FLAGSHIP,
        '--device', args.device, '--profile', '--batch-size',
        str(args.batch_size), '--image-size',
        str(args.image_size), '--rounds',
        str(args.rounds), '--warmup',
        str(args.warmup), '--resamples', '200', '--profile-iters', '2',
        '--out', results
    ], child_env(args), osp.join(args.work_dir, 'speed.log'), args.timeout)
    if error:
        return [['speed', 'FAILED', '–', '–', '–', '–', error]]
    with open(results) as f:
        results = json.load(f)
    return [speed_row(name, results) for name in results['medians']['wall_ms']]


def speed_row(name: str, results: dict) -> List[str]:
    """The summary row of one of speed.py's variants, from its results."""
    peak = results['peak_mib'].get(name)
    events = results['profile']['profiler'][name]
    return [
        f'speed {name}', 'ok', f"{results['medians']['wall_ms'][name]:.1f}",
        '–' if peak is None else f'{peak:.0f}',
        f"{sum(results['profile']['host_reads'][name].values()):g}",
        f'{sum(events[e] for e in SYNC_EVENTS):g}', 'median of the rounds'
    ]


def main(argv=None) -> int:
    """Run the checks and print the summary; the exit status."""
    args = parse_args(argv)
    args.work_dir = osp.abspath(args.work_dir)  # the checks run in ROOT
    reason = speed.cuda_unavailable(args.device)
    if reason:
        print(f'gpu_smoke: {reason}: nothing checked (it needs an NVIDIA '
              f'GPU)')
        return 0
    os.makedirs(args.work_dir, exist_ok=True)
    rows = [train_mode(mode, args) for mode in MODES] + speed_rows(args)
    failed = [row[0] for row in rows if row[1] != 'ok']
    device = torch.cuda.get_device_name() if args.device == 'cuda' else 'CPU'
    size = f'{args.image_size}x{args.image_size}'
    print(f'GPU smoke: {device}, torch {torch.__version__}; {FLAGSHIP}, '
          f'batch {args.batch_size}, {size} synthetic images; logs in '
          f'{args.work_dir}\n')
    print(markdown_table(HEADER, rows))
    print('\n' + (f'FAILED: {", ".join(failed)}'
                  if failed else f'all {len(rows)} checks passed'))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
