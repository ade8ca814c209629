"""The accuracy study: vanilla, DML, KDCL and SwitOKD (adaptive threshold,
teacher loss of Eq. 6 and of Eq. 5), the paper's Fig. 5 shape (the same
student with a larger teacher), offline distillation from the pre-trained
vanilla teacher (KD, FitNet, AT, CRD), spot-adaptive KD (SAKD with AT and
with CRD spots) next to its non-adaptive twins (AT + KD, CRD + KD), and
FFSD's leader (trained with two peers of its own size) on Fashion-MNIST;
SwitOKD against DML at tau = gap_tau = 0.5 on Fashion-MNIST, and on the
100-class Glyphs, where the gate fires (issue 27); several seeds; mean +-
std of the final test accuracy, each run's expert share, switches, gate
margin and wall time.

    python tools/benchmarks/accuracy_table.py [--seeds 0 1 2] [--jobs 2]
        [--methods vanilla KD ...] [--settings glyphs100 ...]
        [--work-dir work_dirs/accuracy_table] [--summarize-only]
        [--cfg-options KEY=VALUE ...]

Every run is ``tools/train.py CONFIG --cfg-options randomness.seed=SEED``
with a config of its setting's folder of ``configs/`` (the rows of a
setting share data and schedule) and the row's own overrides. The runs go
``--jobs`` at a time, each with ``cpu_count // jobs`` threads: the networks
are small enough that two one-thread runs on 2 cores train more images per
second than one two-thread run. A run whose work directory holds its final
validation is not repeated, so an interrupted study picks up where it
stopped. An offline row's frozen teacher is the final checkpoint of the
vanilla teacher's run with the same seed, which is trained first.
``--methods`` and ``--settings`` keep the rows of those methods and
settings (and the runs they need). Prints Markdown tables (summary and per
seed, one section per setting) and writes them, with every run's numbers,
to ``WORK_DIR/results.json``.
"""
import argparse
import json
import os
import os.path as osp
import platform
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List, NamedTuple, Optional, Tuple

import torch
from mmengine.config import Config, DictAction

from switokd_mm.utils import load_records, summarize_records

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
STUDENT = 'resnet8-w4'
WALL_TIME_FILE = 'wall_seconds.json'


class Setting(NamedTuple):
    """Data and schedule shared by a group of rows."""
    title: str
    #: the folder of ``configs/`` its rows' configs are in
    folder: str


SETTINGS = {
    'fashion_mnist': Setting('Fashion-MNIST', 'fashion_mnist'),
    'fashion_mnist_tau0.5':
    Setting('Fashion-MNIST, tau = gap_tau = 0.5', 'fashion_mnist'),
    'glyphs100': Setting('Glyphs-100', 'glyphs'),
}


class Row(NamedTuple):
    """One line of the table: a method with one teacher in one setting."""
    method: str
    teacher: str
    config: str
    #: network -> its validation metric in the run's records
    metrics: Dict[str, str]
    #: the run (:attr:`run`) of the same seed that gives the frozen teacher
    teacher_run: Optional[str] = None
    #: a key of :data:`SETTINGS`
    setting: str = 'fashion_mnist'
    #: the row's own config overrides (KEY, VALUE)
    options: Tuple[Tuple[str, object], ...] = ()
    #: told apart from another row of the same config by its overrides
    tag: str = ''

    @property
    def run(self) -> str:
        """The name of the row's work directories."""
        return f'{self.config}_{self.tag}' if self.tag else self.config

    @property
    def config_path(self) -> str:
        folder = SETTINGS[self.setting].folder
        return osp.join(ROOT, 'configs', folder, f'{self.config}.py')

    @property
    def pauses_teacher(self) -> bool:
        """Whether the method pauses its teacher (expert share, switches,
        gate margin)."""
        return self.method.startswith('SwitOKD')


PAIR_METRICS = {net: f'{net}/accuracy/top1' for net in ('student', 'teacher')}


def _pair_row(method: str,
              prefix: str,
              teacher: str,
              teacher_run: Optional[str] = None) -> Row:
    return Row(method, teacher,
               f'{prefix}_{teacher}_{STUDENT}_1xb128_fashion-mnist',
               PAIR_METRICS, teacher_run)


VANILLA_TEACHER = 'vanilla_wrn16-1_1xb128_fashion-mnist'
#: the gate's temperatures at 0.5 (DML has only the one of its KL)
HALF_TAU = (('model.tau', 0.5), ('model.gap_tau', 0.5))

#: In table order: the cheapest runs first (the pool starts the last first).
ROWS = [
    Row('vanilla', '–', f'vanilla_{STUDENT}_1xb128_fashion-mnist',
        {'student': 'accuracy/top1'}),
    Row('vanilla', 'wrn16-1', VANILLA_TEACHER, {'teacher': 'accuracy/top1'}),
    *(_pair_row(method, prefix, teacher)
      for teacher in ('wrn16-1', 'wrn16-2') for method, prefix in (
          ('DML', 'dml'),
          ('KDCL', 'kdcl'),
          ('SwitOKD (Eq. 6)', 'switokd'),
          ('SwitOKD (Eq. 5)', 'switokd-eq5'),
      ) if (teacher, prefix) != ('wrn16-2', 'kdcl')),
    *(_pair_row(method, prefix, 'wrn16-1', VANILLA_TEACHER)
      for method, prefix in (('KD', 'kd'), ('FitNet', 'fitnet'), ('AT', 'at'),
                             ('CRD', 'crd'))),
    # spot-adaptive KD and its non-adaptive twins (every sample distilled
    # at every spot), from the same frozen teacher
    *(_pair_row(method, prefix, 'wrn16-1', VANILLA_TEACHER)
      for method, prefix in (('AT + KD', 'at-kd'), ('SAKD (AT)', 'sakd-at'),
                             ('CRD + KD', 'crd-kd'), ('SAKD (CRD)',
                                                      'sakd-crd'))),
    # FFSD: a leader and two students of the study's student, no teacher;
    # the leader is the product, reported in the student column
    Row('FFSD', '–', f'ffsd_{STUDENT}x3_1xb128_fashion-mnist',
        {'student': 'leader/accuracy/top1'}),
    # where Eq. 6 switches on Fashion-MNIST: both temperatures at 0.5
    Row('DML', 'wrn16-1', f'dml_wrn16-1_{STUDENT}_1xb128_fashion-mnist',
        PAIR_METRICS, setting='fashion_mnist_tau0.5',
        options=HALF_TAU[:1], tag='tau0.5'),
    Row('SwitOKD (Eq. 6)', 'wrn16-1',
        f'switokd_wrn16-1_{STUDENT}_1xb128_fashion-mnist', PAIR_METRICS,
        setting='fashion_mnist_tau0.5', options=HALF_TAU, tag='tau0.5'),
    # 100 classes (configs/glyphs), the student ResNet-8-w8
    Row('vanilla', '–', 'vanilla_resnet8-w8_1xb128_glyphs100',
        {'student': 'accuracy/top1'}, setting='glyphs100'),
    *(Row(method, 'wrn16-1', f'{prefix}_wrn16-1_resnet8-w8_1xb128_glyphs100',
          PAIR_METRICS, setting='glyphs100')
      for method, prefix in (('DML', 'dml'), ('SwitOKD (Eq. 6)', 'switokd'),
                             ('SwitOKD (Eq. 5)', 'switokd-eq5'))),
]


def selected_rows(methods: Optional[List[str]] = None,
                  settings: Optional[List[str]] = None) -> List[Row]:
    """The rows of ``methods`` in ``settings`` (all: None) and the rows their
    runs need, in table order.

    Raises:
        SystemExit: a method or setting no row has.
    """
    for asked, known, what in (
        (methods, {row.method for row in ROWS}, 'method'),
        (settings, set(SETTINGS), 'setting'),
    ):
        unknown = set(asked or ()) - known
        if unknown:
            raise SystemExit(f'no row has {what}(s) {sorted(unknown)}; the '
                             f'{what}s: {sorted(known)}')
    chosen = {
        row.run
        for row in ROWS if (methods is None or row.method in methods) and (
            settings is None or row.setting in settings)
    }
    chosen |= {
        row.teacher_run
        for row in ROWS if row.run in chosen and row.teacher_run
    }
    # the vanilla student a row is compared with
    chosen |= {
        vanilla.run
        for vanilla in map(lambda row: _vanilla_student(row, ROWS),
                           [row for row in ROWS if row.run in chosen])
        if vanilla is not None
    }
    return [row for row in ROWS if row.run in chosen]


def run_options(row: Row, seed: int, work_dir: str,
                max_epochs: Dict[str, int]) -> dict:
    """The run's own config overrides: the row's, the seed, and an offline
    row's teacher checkpoint."""
    options = {**dict(row.options), 'randomness.seed': seed}
    if row.teacher_run:
        options['model.teacher_ckpt'] = osp.join(
            run_dir(work_dir, row.teacher_run, seed),
            f'epoch_{max_epochs[row.teacher_run]}.pth')
    return options


def run_dir(work_dir: str, run: str, seed: int) -> str:
    return osp.join(work_dir, run, f'seed{seed}')


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


def train(config_path: str, directory: str, options: dict,
          threads: int) -> float:
    """Run tools/train.py on a config with ``threads`` threads; returns (and
    stores in the run's directory) its wall time in seconds."""
    start = time.perf_counter()
    env = dict(
        os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    os.makedirs(directory, exist_ok=True)
    with open(osp.join(directory, 'train.log'), 'w') as log:
        subprocess.run([
            sys.executable,
            osp.join(ROOT, 'tools', 'train.py'),
            config_path, '--work-dir', directory,
            '--cfg-options', *(f'{k}={v}' for k, v in options.items())
        ],
                       cwd=ROOT,
                       env=env,
                       check=True,
                       stdout=log,
                       stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - start
    with open(osp.join(directory, WALL_TIME_FILE), 'w') as f:
        json.dump(dict(seconds=seconds, threads=threads), f)
    return seconds


def wall_seconds(directory: str) -> float:
    try:
        with open(osp.join(directory, WALL_TIME_FILE)) as f:
            return json.load(f)['seconds']
    except FileNotFoundError:
        return float('nan')


def mean_std(values: List[float]) -> str:
    """'mean +- sample std' (n - 1 in the denominator)."""
    std = statistics.stdev(values) if len(values) > 1 else float('nan')
    return f'{statistics.mean(values):.2f} ± {std:.2f}'


def paired_difference(seeds: List[dict], base: Optional[List[float]]) -> str:
    """The student's top-1 minus ``base``'s, per seed (a seed fixes the
    initial weights and the data order, which both runs share), as mean +-
    std; '–' without a base."""
    if base is None or not all('student' in r['top1'] for r in seeds):
        return '–'
    return mean_std(
        [r['top1']['student'] - b for r, b in zip(seeds, base)])


def _gate_cells(row: Row, seeds: List[dict]) -> Tuple[str, str, str]:
    """Expert share and switches (means) and the gate margin's median (the
    seeds' mean of it) of a row, or dashes for a method without a gate."""
    if not row.pauses_teacher:
        return '–', '–', '–'
    share = statistics.mean(r['expert_fraction'] for r in seeds)
    switches = statistics.mean(r['switches'] for r in seeds)
    margin = statistics.mean(r['margin_median'] for r in seeds)
    return f'{100 * share:.1f} %', f'{switches:.0f}', f'{margin:.2f}'


def _vanilla_student(row: Row, rows: List[Row]) -> Optional[Row]:
    """The vanilla student's row on ``row``'s data (its setting's folder):
    the vanilla student has no gate temperature, so the settings of one
    data set share it."""
    folder = SETTINGS[row.setting].folder
    return next((other for other in rows if other.method == 'vanilla'
                 and 'student' in other.metrics
                 and SETTINGS[other.setting].folder == folder), None)


def _setting_table(runs: Dict[str, List[dict]], group: List[Row],
                   vanilla_row: Optional[Row]) -> str:
    """Markdown summary of the rows of one setting."""
    lines = [
        '| method | teacher | student top-1 (%) | student − vanilla | '
        'student − DML | teacher top-1 (%) | expert iterations | switches | '
        'gate margin (median) | wall time |',
        '|---|---|---|---|---|---|---|---|---|---|',
    ]
    dml = {
        row.teacher: [r['top1']['student'] for r in runs[row.run]]
        for row in group if row.method == 'DML'
    }
    vanilla = (None if vanilla_row is None else
               [r['top1']['student'] for r in runs[vanilla_row.run]])
    for row in group:
        seeds = runs[row.run]
        cells = {}
        for net in ('student', 'teacher'):
            values = [r['top1'][net] for r in seeds if net in r['top1']]
            cells[net] = mean_std(values) if values else '–'
        is_baseline = row.method == 'vanilla'
        cells['vanilla'] = '–' if is_baseline else paired_difference(
            seeds, vanilla)
        cells['dml'] = '–' if is_baseline else paired_difference(
            seeds, dml.get(row.teacher))
        expert, switches, margin = _gate_cells(row, seeds)
        wall = statistics.mean(r['wall_seconds'] for r in seeds) / 60
        lines.append(f"| {row.method} | {row.teacher} | {cells['student']} | "
                     f"{cells['vanilla']} | {cells['dml']} | "
                     f"{cells['teacher']} | {expert} | {switches} | "
                     f'{margin} | {wall:.1f} min |')
    return '\n'.join(lines)


def table(runs: Dict[str, List[dict]],
          rows: Optional[List[Row]] = None) -> str:
    """Markdown summary of ``rows`` (default: all), one section per
    setting: per row, each network's top-1 as mean +- std over the seeds,
    the student's difference to the vanilla student on the same data and
    to DML's student with the same teacher in the same setting (paired by
    seed, mean +- std), the expert share, switches, the gate margin's
    median and the mean wall time."""
    rows = ROWS if rows is None else rows
    groups: Dict[str, List[Row]] = {}
    for row in rows:
        groups.setdefault(row.setting, []).append(row)
    return '\n\n'.join(
        f'**{SETTINGS[setting].title}**\n\n' +
        _setting_table(runs, group, _vanilla_student(group[0], rows))
        for setting, group in groups.items())


def per_seed_table(runs: Dict[str, List[dict]],
                   rows: Optional[List[Row]] = None) -> str:
    """Markdown: every run's numbers (``rows``: default all)."""
    lines = [
        '| setting | method | teacher | seed | student top-1 | '
        'teacher top-1 | expert iterations | switches | gate margin '
        '(median) | wall time |',
        '|---|---|---|---|---|---|---|---|---|---|',
    ]
    for row in ROWS if rows is None else rows:
        for r in runs[row.run]:
            top1 = [
                f"{r['top1'][net]:.2f}" if net in r['top1'] else '–'
                for net in ('student', 'teacher')
            ]
            if row.pauses_teacher:
                expert = f"{r['expert_iterations']}/{r['iterations']}"
                switches = str(r['switches'])
                margin = f"{r['margin_median']:.2f}"
            else:
                expert = switches = margin = '–'
            lines.append(f'| {SETTINGS[row.setting].title} | {row.method} | '
                         f"{row.teacher} | {r['seed']} | "
                         f'{top1[0]} | {top1[1]} | {expert} | {switches} | '
                         f"{margin} | {r['wall_seconds'] / 60:.1f} min |")
    return '\n'.join(lines)


def run_numbers(row: Row, seed: int, summary: dict, seconds: float) -> dict:
    """What the tables need from one run's records summary."""
    return dict(
        seed=seed,
        top1={net: summary[metric]
              for net, metric in row.metrics.items()},
        expert_fraction=summary['expert_fraction'],
        expert_iterations=summary['expert_iterations'],
        iterations=summary['iterations'],
        switches=summary['switches'],
        margin_median=summary['margin_median'],
        wall_seconds=seconds)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument(
        '--jobs', type=int, default=2, help='runs trained at the same time')
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
    parser.add_argument(
        '--methods',
        nargs='+',
        help='only the rows of these methods (e.g. vanilla KD CRD) and the '
        'runs they need')
    parser.add_argument(
        '--settings',
        nargs='+',
        choices=sorted(SETTINGS),
        help='only the rows of these settings (e.g. glyphs100) and the runs '
        'they need')
    args = parser.parse_args(argv)
    threads = max(1, (os.cpu_count() or 1) // args.jobs)
    rows = selected_rows(args.methods, args.settings)

    max_epochs = {}
    for row in rows:
        cfg = Config.fromfile(row.config_path)
        cfg.merge_from_dict(args.cfg_options)
        max_epochs[row.run] = cfg.train_cfg.max_epochs

    def finished(row: Row, seed: int) -> Optional[dict]:
        return final_validation(
            run_dir(args.work_dir, row.run, seed), max_epochs[row.run])

    summaries = {(row.run, seed): finished(row, seed)
                 for row in rows for seed in args.seeds}
    todo = [(row, seed) for row in reversed(rows) for seed in args.seeds
            if summaries[row.run, seed] is None]
    if todo and args.summarize_only:
        raise SystemExit(
            f'{run_dir(args.work_dir, todo[0][0].run, todo[0][1])}: '
            'no finished run')

    def work(job):
        row, seed = job
        print(f'training {row.run} seed {seed} ...', flush=True)
        options = {
            **args.cfg_options,
            **run_options(row, seed, args.work_dir, max_epochs)
        }
        seconds = train(row.config_path,
                        run_dir(args.work_dir, row.run, seed), options,
                        threads)
        print(f'done {row.run} seed {seed} in {seconds / 60:.1f} min',
              flush=True)
        summaries[row.run, seed] = finished(row, seed)

    with ThreadPoolExecutor(args.jobs) as pool:
        # the teachers' runs first; list() re-raises a failed run's error
        list(pool.map(work, [job for job in todo if not job[0].teacher_run]))
        list(pool.map(work, [job for job in todo if job[0].teacher_run]))

    runs = {}
    for row in rows:
        runs[row.run] = []
        for seed in args.seeds:
            summary = summaries[row.run, seed]
            if summary is None:
                raise SystemExit(f'{row.run} seed {seed}: no finished run')
            runs[row.run].append(
                run_numbers(
                    row, seed, summary,
                    wall_seconds(run_dir(args.work_dir, row.run, seed))))
    machine = (f'{platform.processor() or platform.machine()}, '
               f'{os.cpu_count()} CPUs, torch {torch.__version__}, '
               f'{args.jobs} runs at a time with {threads} thread(s) each')
    print(f'Test sets, final epoch, seeds {args.seeds} '
          f'({machine})')
    summary_table, seed_table = table(runs, rows), per_seed_table(runs, rows)
    print(summary_table)
    print()
    print(seed_table)
    report = dict(
        seeds=args.seeds,
        machine=machine,
        cfg_options=args.cfg_options,
        runs=runs,
        table=summary_table,
        per_seed_table=seed_table)
    with open(osp.join(args.work_dir, 'results.json'), 'w') as f:
        json.dump(report, f, indent=2)
    return report


if __name__ == '__main__':
    main()
