"""The speed benchmark's analysis (intervals of every ratio) and its
Markdown report, which the tool prints and can write into a document
between marker comments."""
from typing import Dict, List, Optional, Sequence

from tools.benchmarks.speed_stats import (Interval, bootstrap, excess, medians,
                                          mixed_ratio, ratio, resample_indices,
                                          verdict)

CONTROL = 'control: SwitOKD learning / DML'
#: ratio label -> (numerator, denominator, upper target or None)
RATIOS = {
    'SwitOKD expert / ideal expert': ('switokd_expert', 'ideal_expert', 1.05),
    'SwitOKD learning / ideal learning':
    ('switokd_learning', 'ideal_learning', 1.03),
    'SwitOKD expert / DML': ('switokd_expert', 'dml', None),
    'KDCL / DML': ('kdcl', 'dml', None),
    'FFSD (3 students) / DML': ('ffsd', 'dml', None),
    CONTROL: ('switokd_learning', 'dml', None),
}
METRICS = {'wall_ms': 'wall time', 'cpu_ms': 'CPU time'}
EPOCH_REFERENCES = ('dml', 'kdcl')
BEGIN, END = '<!-- speed.py: begin -->', '<!-- speed.py: end -->'


def analyse(samples: Dict[str, Dict[str, List[float]]],
            fractions: Sequence[float],
            resamples: int,
            seed: int = 0) -> dict:
    """Medians, ratio intervals, epoch predictions and the control's verdict.

    Args:
        samples: per variant, ``wall_ms`` and ``cpu_ms`` (and optionally
            ``peak_mib``), one value per round.
        fractions: expert shares f for which to predict SwitOKD's epoch.
        resamples: bootstrap resamples.
        seed: seed of the resampling.

    Returns:
        dict: ``medians[metric][variant]``, ``ratios[label][metric]`` and
        ``epochs[f][reference][metric]`` (:class:`Interval`), and
        ``noise[metric]``, how far the control's interval misses 1.0
        (0 when it contains it).
    """
    rounds = len(next(iter(samples.values()))['wall_ms'])
    indices = resample_indices(rounds, resamples, seed)
    by_metric = {
        metric: {
            name: values[metric]
            for name, values in samples.items()
        }
        for metric in next(iter(samples.values()))
    }
    ratios = {
        label: {
            metric: bootstrap(by_metric[metric], ratio(num, den), indices)
            for metric in METRICS
        }
        for label, (num, den, _) in RATIOS.items()
        if num in samples and den in samples
    }
    epochs = {
        f: {
            ref: {
                metric:
                bootstrap(
                    by_metric[metric],
                    mixed_ratio(f, 'switokd_expert', 'switokd_learning', ref),
                    indices)
                for metric in METRICS
            }
            for ref in EPOCH_REFERENCES
        }
        for f in fractions
    }
    return dict(
        rounds=rounds,
        medians={
            metric: medians(v)
            for metric, v in by_metric.items()
        },
        ratios=ratios,
        epochs=epochs,
        noise={metric: excess(ratios[CONTROL][metric])
               for metric in METRICS})


def _cell(interval: Interval) -> str:
    return (f'{interval.estimate:.3f} '
            f'[{interval.low:.3f}, {interval.high:.3f}]')


def _verdict(label: str, target: Optional[float], interval: Interval) -> str:
    if label == CONTROL:
        return 'contains 1' if interval.contains(1.0) else 'misses 1'
    return '–' if target is None else verdict(interval, target)


def _mib(value: Optional[float]) -> str:
    return '–' if value is None else f'{value:.1f}'


def markdown_table(header: Sequence[str], rows: List[Sequence]) -> str:
    """A Markdown table: the header, a rule, one line per row."""
    lines = ['| ' + ' | '.join(header) + ' |', '|' + '---|' * len(header)]
    lines += ['| ' + ' | '.join(str(c) for c in row) + ' |' for row in rows]
    return '\n'.join(lines)


def noise_lines(noise: Dict[str, float]) -> List[str]:
    """What the control says about the machine, per metric."""
    lines = []
    for metric, name in METRICS.items():
        if noise[metric] == 0:
            lines.append(f'Control ({name}): its interval contains 1.0, '
                         f'the machine was quiet enough for this run.')
        else:
            lines.append(
                f'Control ({name}): its interval misses 1.0 by '
                f'{noise[metric]:.1%}: the machine was too noisy for this '
                f'run; treat {name} differences below that as noise.')
    return lines


def markdown(analysis: dict, memory: Dict[str, float],
             profile: Optional[dict]) -> str:
    """The report's tables (medians, ratios, epoch prediction, profile)."""
    med = analysis['medians']
    parts = [
        markdown_table(
            ['variant', 'wall ms / iter', 'CPU ms / iter', 'peak MiB'], [[
                name, f"{med['wall_ms'][name]:.1f}",
                f"{med['cpu_ms'][name]:.1f}",
                _mib(memory.get(name))
            ] for name in med['wall_ms']])
    ]
    rows = []
    for label, (_, _, target) in RATIOS.items():
        if label not in analysis['ratios']:  # a variant not timed
            continue
        row = [
            label, '= 1'
            if label == CONTROL else '–' if target is None else f'≤ {target}'
        ]
        for metric in METRICS:
            interval = analysis['ratios'][label][metric]
            row += [_cell(interval), _verdict(label, target, interval)]
        rows.append(row)
    parts.append(
        markdown_table([
            'ratio of medians', 'target', 'wall time (95 % CI)', 'verdict',
            'CPU time (95 % CI)', 'verdict'
        ], rows))
    parts.append('\n\n'.join(noise_lines(analysis['noise'])))
    parts.append(
        markdown_table(['expert share f'] + [
            f'SwitOKD epoch / {ref.upper()} epoch ({name})'
            for ref in EPOCH_REFERENCES for name in METRICS.values()
        ], [[f'{f:.2f}'] + [
            _cell(epochs[ref][metric]) for ref in EPOCH_REFERENCES
            for metric in METRICS
        ] for f, epochs in analysis['epochs'].items()]))
    if profile:
        parts.append(profile_markdown(profile))
    return '\n\n'.join(parts) + '\n'


def profile_markdown(profile: dict) -> str:
    """Profiler counts per variant and the lines that read device values."""
    events = profile['profiler']
    names = list(events)
    counts = markdown_table(
        ['event per iteration'] + names,
        [[event] + [f'{events[name][event]:g}' for name in names]
         for event in next(iter(events.values()))])
    reads = profile['host_reads']
    keys = sorted({key for per in reads.values() for key in per})
    lines = markdown_table(
        ['host read', 'where'] + names,
        [[kind, f'`{where}`'] +
         [f"{reads[name].get((kind, where), 0):g}" for name in names]
         for kind, where in keys] +
        [['total', ''] + [f'{sum(reads[name].values()):g}' for name in names]])
    return counts + '\n\n' + lines


def replace_section(document: str, section: str) -> str:
    """``document`` with the text between :data:`BEGIN` and :data:`END`
    replaced by ``section``.

    Raises:
        ValueError: if the markers are missing or out of order.
    """
    start, end = document.find(BEGIN), document.find(END)
    if start < 0 or end < start:
        raise ValueError(f'the document needs the markers {BEGIN} and '
                         f'{END}, in this order')
    return (document[:start + len(BEGIN)] + '\n' + section + document[end:])
