"""Plot what SwitOKD's switching did during a run (cf. the paper's Fig. 4).

    python tools/analysis/plot_switching.py WORK_DIR_OR_SCALARS_JSON \\
        [--out-dir DIR] [--formats png pdf]

Writes ``switching`` (G, delta, ds, dt per iteration over a colour bar of
the mode: cyan learning, magenta expert; one bar per teacher-student pair),
``expert_fraction`` (share of expert iterations per epoch) and ``accuracy``
(student and teacher top-1 per epoch; in runs of up to 12 epochs each point
is labelled with its value). Reads mmengine's LocalVisBackend scalars or
TensorBoard events.
"""
import argparse
import re
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.colors import ListedColormap  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from switokd_mm.log_keys import ITER_SCALAR  # noqa: E402
from switokd_mm.utils import load_records  # noqa: E402

STAT_LABELS = {
    'gap': 'G (distillation gap)',
    'delta': 'δ (threshold)',
    'ds': 'ds = |p_s − y|₁',
    'dt': 'dt = |p_t − y|₁'
}
MODE_COLOURS = ListedColormap(['#00bcd4', '#e91e8c'])  # learning, expert
Series = Dict[str, Dict[str, Tuple[np.ndarray, np.ndarray]]]
#: legend texts of per-epoch keys, first match; a pair is named
#: <teacher>-<student>, split only where a single hyphen makes it unambiguous
SERIES_LABELS = (
    (re.compile(r'^switokd/expert_fraction$'), 'expert-mode share'),
    (re.compile(r'^switokd/(?P<teacher>[^-/]+)-(?P<student>[^-/]+)/'
                r'expert_fraction$'), '{teacher}→{student} expert share'),
    (re.compile(r'^switokd/(?P<pair>[^/]+)/expert_fraction$'),
     '{pair} expert share'),
    (re.compile(r'^(?P<network>[^/]+)/accuracy/top1$'), '{network} top-1 (%)'),
    (re.compile(r'^accuracy/top1$'), 'top-1 (%)'),
)
#: runs of at most this many epochs get their values written on the points
LABELLED_EPOCHS = 12


def iteration_series(records: List[dict]) -> Series:
    """Per pair and statistic, the (iterations, values) arrays; a step
    logged twice (an epoch repeated after resume) keeps its last value."""
    values: Dict[str,
                 Dict[str,
                      Dict[int,
                           float]]] = defaultdict(lambda: defaultdict(dict))
    for record in records:
        for key, value in record.items():
            match = ITER_SCALAR.match(key)
            if match:
                values[match['owner'] or ''][match['stat']][record['step']] = \
                    value
    return {
        pair: {
            stat: (np.array(sorted(points)),
                   np.array([points[s] for s in sorted(points)]))
            for stat, points in stats.items()
        }
        for pair, stats in values.items()
    }


def epoch_series(records: List[dict], suffix: str) -> Dict[str, tuple]:
    """Per key ending with ``suffix``, the (epochs, values) arrays."""
    points: Dict[str, Dict[int, float]] = defaultdict(dict)
    for record in records:
        for key, value in record.items():
            if key.endswith(suffix):
                points[key][record['step']] = value
    return {
        key: (np.array(sorted(p)), np.array([p[s] for s in sorted(p)]))
        for key, p in points.items()
    }


#: the margin panel's upper limit: an infinite margin (the gate fires at
#: any gap) is drawn there
MARGIN_TOP = 3.0


def margin_panel(ax, series: Series, pairs: List[str]) -> None:
    """Each pair's gate margin, E / (delta - (ds - dt)), against the line
    at 1 above which the gate fires."""
    for pair in pairs:
        if 'margin' in series[pair]:
            steps, margins = series[pair]['margin']
            ax.plot(
                steps,
                np.minimum(margins, MARGIN_TOP),
                lw=1,
                label=f'{pair}: gate margin' if pair else 'gate margin')
    ax.axhline(1.0, color='black', lw=0.8, ls='--', label='fires above 1')
    ax.set_ylim(0, MARGIN_TOP)
    ax.set_ylabel('margin')
    ax.legend(loc='upper right', fontsize='small', ncol=2)
    ax.grid(alpha=0.3)


def switching_figure(series: Series) -> Figure:
    """Statistics over iterations, the gate's margin beneath (when logged)
    and one mode bar per pair."""
    pairs = sorted(p for p in series if 'expert' in series[p])
    with_margin = any('margin' in series[p] for p in pairs)
    heights = [6] + [2] * with_margin + [1] * len(pairs)
    fig, axes = plt.subplots(
        len(heights),
        1,
        sharex=True,
        figsize=(10, 4 + 1.2 * with_margin + 0.6 * len(pairs)),
        gridspec_kw=dict(height_ratios=heights))
    top = axes[0]
    for pair in pairs:
        for stat, label in STAT_LABELS.items():
            if stat in series[pair]:
                steps, values = series[pair][stat]
                top.plot(
                    steps,
                    values,
                    lw=1,
                    label=f'{pair}: {label}' if pair else label)
    top.set_ylabel('L1 distance (sum over classes)')
    top.set_title('SwitOKD switching: gap G against threshold δ')
    # every statistic lies in [0, 2]: the legend goes in a band above 2
    rows = -(-len(top.lines) // len(STAT_LABELS))
    top.set_ylim(-0.05, 2.05 + 0.25 * rows)
    top.legend(loc='upper center', ncol=len(STAT_LABELS), fontsize='small')
    top.grid(alpha=0.3)
    if with_margin:
        margin_panel(axes[1], series, pairs)
    for ax, pair in zip(axes[1 + with_margin:], pairs):
        steps, modes = series[pair]['expert']
        ax.imshow(
            modes[np.newaxis, :],
            aspect='auto',
            cmap=MODE_COLOURS,
            vmin=0,
            vmax=1,
            interpolation='nearest',
            extent=(steps[0] - 0.5, steps[-1] + 0.5, 0, 1))
        ax.set_yticks([])
        ax.set_ylabel(pair or 'mode', rotation=0, ha='right', va='center')
        ax.text(
            1.005,
            0.5,
            f'{100 * modes.mean():.0f}% expert',
            transform=ax.transAxes,
            va='center',
            fontsize='small')
    axes[-1].set_xlabel('iteration (cyan: learning mode, magenta: expert '
                        'mode)')
    fig.tight_layout()
    return fig


def series_label(key: str) -> str:
    """The legend text of a logged per-epoch key (unknown keys: the key).

    Args:
        key: e.g. ``student/accuracy/top1``, ``switokd/expert_fraction`` or
            ``switokd/wrn-mbv2/expert_fraction``.

    Returns:
        str: e.g. ``student top-1 (%)``, ``expert-mode share``,
        ``wrn→mbv2 expert share``.
    """
    for pattern, label in SERIES_LABELS:
        match = pattern.match(key)
        if match:
            return label.format(**match.groupdict())
    return key


def epoch_figure(series: Dict[str, tuple],
                 title: str,
                 ylabel: str,
                 ymin_top: float = 0,
                 empty_note: Optional[str] = None) -> Figure:
    """Percentages per epoch, one line per key; a short run's points are
    marked and labelled with their values (bars of two or three epochs
    are wide blocks whose heights cannot be read).

    Args:
        series: key -> (epochs, values in percent).
        title: the figure's title.
        ylabel: the y axis' label.
        ymin_top: the y axis starts at 0 and reaches at least this value
            (so that all-zero values do not get a meaningless tiny axis);
            0: the axis fits the values.
        empty_note: written across the chart when every value is 0.
    """
    fig, ax = plt.subplots(figsize=(8, 4))
    # at each epoch the highest value is labelled above its point, the
    # others below theirs, so that two close lines' labels do not collide
    highest: Dict[float, float] = defaultdict(lambda: -np.inf)
    for epochs, values in series.values():
        for epoch, value in zip(epochs, values):
            highest[epoch] = max(highest[epoch], value)
    short = len(highest) <= LABELLED_EPOCHS
    for key, (epochs, values) in sorted(series.items()):
        (line, ) = ax.plot(
            epochs,
            values,
            marker='o' if short else None,
            label=series_label(key))
        if short:
            for epoch, value in zip(epochs, values):
                above = value >= highest[epoch]
                ax.annotate(
                    f'{value:.1f}%', (epoch, value),
                    xytext=(0, 7 if above else -7),
                    textcoords='offset points',
                    ha='center',
                    va='bottom' if above else 'top',
                    fontsize='small',
                    color=line.get_color())
    top = max(float(np.max(v)) for _, v in series.values())
    if ymin_top:
        ax.set_ylim(0, max(1.15 * top, ymin_top))
    else:
        ax.margins(y=0.15)
    ax.set_xlim(min(highest) - 0.5, max(highest) + 0.5)
    if empty_note and top == 0:
        ax.text(
            0.5,
            0.5,
            empty_note,
            transform=ax.transAxes,
            ha='center',
            va='center')
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
    ax.set_xlabel('epoch')
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize='small')
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def make_figures(records: List[dict]) -> Dict[str, Figure]:
    """The figures a run's records allow (absent data: figure left out)."""
    figures = {}
    series = iteration_series(records)
    if series:
        figures['switching'] = switching_figure(series)
    fractions = epoch_series(records, 'expert_fraction')
    if fractions:
        figures['expert_fraction'] = epoch_figure(
            {
                k: (e, 100 * v)
                for k, (e, v) in fractions.items()
            },
            'Iterations in expert mode (teacher paused) per epoch',
            'iterations in expert mode (%)',
            ymin_top=10,
            empty_note='no iteration in expert mode: the teacher was never '
            'paused')
    accuracies = epoch_series(records, 'accuracy/top1')
    if accuracies:
        figures['accuracy'] = epoch_figure(accuracies,
                                           'Validation accuracy per epoch',
                                           'top-1 accuracy (%)')
    return figures


def main(argv=None) -> Dict[str, List[Path]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('path', help='work_dir, scalars.json or TB log dir')
    parser.add_argument('--out-dir', help='default: <work_dir>/plots')
    parser.add_argument(
        '--formats',
        nargs='+',
        default=['png'],
        help='image formats, e.g. png pdf svg')
    args = parser.parse_args(argv)
    path = Path(args.path)
    out_dir = Path(args.out_dir) if args.out_dir else (
        path.parent if path.is_file() else path) / 'plots'
    out_dir.mkdir(parents=True, exist_ok=True)
    figures = make_figures(load_records(path))
    if not figures:
        raise SystemExit(f'{path}: no SwitOKD scalars to plot')
    written = {}
    for name, fig in figures.items():
        written[name] = [out_dir / f'{name}.{fmt}' for fmt in args.formats]
        for file in written[name]:
            fig.savefig(file, dpi=120)
        plt.close(fig)
        print(f"{name}: {', '.join(map(str, written[name]))}")
    return written


if __name__ == '__main__':
    main()
