"""Vanilla, DML, KDCL and SwitOKD (adaptive and fixed threshold) on
Fashion-MNIST, several seeds: a Table-4-style accuracy table (mean +- std of
the final test accuracy) with how often the teacher was paused.

    python tools/benchmarks/accuracy_table.py [--seeds 0 1 2]
        [--work-dir work_dirs/accuracy_table] [--summarize-only]
        [--cfg-options KEY=VALUE ...]

Every run is ``tools/train.py CONFIG --cfg-options randomness.seed=SEED``
with a config from ``configs/fashion_mnist/`` (same pair, data and
schedule); a run whose work directory already holds its final validation is
not repeated, so an interrupted benchmark picks up where it stopped. The
vanilla row trains the student and the teacher alone. Prints a Markdown
table and writes it, with every run's numbers, to ``WORK_DIR/results.json``.
"""
import argparse
import json
import math
import os
import os.path as osp
import platform
import statistics
import subprocess
import sys
import time
from typing import Dict, List, Optional

import torch
from mmengine.config import Config, DictAction

from switokd_mm.utils import load_records, summarize_records

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG_DIR = osp.join(ROOT, 'configs', 'fashion_mnist')
PAIR = 'wrn16-1_resnet8-w4_1xb128_fashion-mnist'
#: row -> column -> (config name, validation metric of that network)
ROWS = {
    'vanilla': {
        'student':
        ('vanilla_resnet8-w4_1xb128_fashion-mnist', 'accuracy/top1'),
        'teacher': ('vanilla_wrn16-1_1xb128_fashion-mnist', 'accuracy/top1'),
    },
    **{
        row: {
            net: (config, f'{net}/accuracy/top1')
            for net in ('student', 'teacher')
        }
        for row, config in (
            ('DML', f'dml_{PAIR}'),
            ('KDCL', f'kdcl_{PAIR}'),
            ('SwitOKD', f'switokd_{PAIR}'),
            ('SwitOKD, fixed δ = 0.2', f'switokd_{PAIR}_fixed-delta-0.2'),
        )
    },
}


def run_dir(work_dir: str, config: str, seed: int) -> str:
    return osp.join(work_dir, config, f'seed{seed}')


def final_validation(directory: str, max_epochs: int) -> Optional[dict]:
    """The run's records summary if it validated its last epoch."""
    try:
        records = load_records(directory)
    except FileNotFoundError:
        return None
    epochs = [
        r['step'] for r in records if any(
            k.endswith('accuracy/top1') for k in r)
    ]
    if not epochs or max(epochs) < max_epochs:
        return None
    return summarize_records(records)


def train(config: str, seed: int, directory: str, options: dict) -> float:
    """Run tools/train.py; returns the wall time in seconds."""
    start = time.perf_counter()
    options = {**options, 'randomness.seed': seed}
    subprocess.run([
        sys.executable,
        osp.join(ROOT, 'tools', 'train.py'),
        osp.join(CONFIG_DIR, f'{config}.py'), '--work-dir', directory,
        '--cfg-options', *(f'{k}={v}' for k, v in options.items())
    ],
                   cwd=ROOT,
                   check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def mean_std(values: List[float]) -> str:
    """'mean +- sample std' (n - 1 in the denominator)."""
    std = statistics.stdev(values) if len(values) > 1 else float('nan')
    return f'{statistics.mean(values):.2f} ± {std:.2f}'


def table(results: Dict[str, Dict[str, List[float]]],
          expert: Dict[str, List[float]]) -> str:
    """Markdown rows: mean +- std per network, and the teacher's share of
    iterations in expert mode for the models that switch."""
    lines = [
        '| method | student top-1 (%) | teacher top-1 (%) | teacher paused |',
        '|---|---|---|---|',
    ]
    for row, columns in results.items():
        paused = (f'{100 * statistics.mean(expert[row]):.1f}% of iterations'
                  if row in expert else '–')
        lines.append(f"| {row} | {mean_std(columns['student'])} | "
                     f"{mean_std(columns['teacher'])} | {paused} |")
    return '\n'.join(lines)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument(
        '--work-dir', default=osp.join(ROOT, 'work_dirs', 'accuracy_table'))
    parser.add_argument(
        '--summarize-only',
        action='store_true',
        help='do not train; tabulate the runs already in --work-dir')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        default={},
        help='config overrides for every run (e.g. a shorter schedule)')
    args = parser.parse_args(argv)

    configs = sorted(
        {c
         for columns in ROWS.values()
         for c, _ in columns.values()})
    summaries, seconds = {}, {}
    for config in configs:
        cfg = Config.fromfile(osp.join(CONFIG_DIR, f'{config}.py'))
        cfg.merge_from_dict(args.cfg_options)
        max_epochs = cfg.train_cfg.max_epochs
        for seed in args.seeds:
            directory = run_dir(args.work_dir, config, seed)
            summary = final_validation(directory, max_epochs)
            if summary is None and not args.summarize_only:
                print(f'training {config} seed {seed} ...', flush=True)
                seconds[f'{config}/seed{seed}'] = train(
                    config, seed, directory, args.cfg_options)
                summary = final_validation(directory, max_epochs)
            if summary is None:
                raise SystemExit(f'{directory}: no finished run')
            summaries[config, seed] = summary

    results = {
        row: {
            net: [summaries[config, seed][metric] for seed in args.seeds]
            for net, (config, metric) in columns.items()
        }
        for row, columns in ROWS.items()
    }
    expert = {
        row: [
            summaries[columns['student'][0], seed]['expert_fraction']
            for seed in args.seeds
        ]
        for row, columns in ROWS.items()
        if not math.isnan(summaries[columns['student'][0],
                                    args.seeds[0]]['expert_fraction'])
    }
    machine = (f'{platform.processor() or platform.machine()}, '
               f'{os.cpu_count()} CPUs, torch {torch.__version__}')
    print(f'Fashion-MNIST test set, final epoch, seeds {args.seeds} '
          f'({machine})')
    print(table(results, expert))
    report = dict(
        seeds=args.seeds,
        machine=machine,
        results=results,
        expert_fraction=expert,
        train_seconds=seconds)
    with open(osp.join(args.work_dir, 'results.json'), 'w') as f:
        json.dump(report, f, indent=2)
    return report


if __name__ == '__main__':
    main()
