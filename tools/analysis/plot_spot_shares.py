"""Plot where a spot-adaptive (SAKD) run distilled: the share of samples
distilled at each spot per iteration, the paper's view of the policy.

    python tools/analysis/plot_spot_shares.py WORK_DIR_OR_SCALARS_JSON \\
        [--out-dir DIR] [--formats png pdf] [--window 25]

Writes ``spot_shares``: per spot (feature spots, then the logits), the
exact per-iteration share (``sakd/iter_share_<spot>``, thin) and its moving
mean over ``--window`` iterations (thick), with the epochs' means
(``sakd/epoch_share_<spot>``) as points at each epoch's last iteration
(``sakd/epoch_end_iter``).
Reads mmengine's LocalVisBackend scalars or TensorBoard events.
"""
import argparse
import re
from pathlib import Path
from typing import Dict, List

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from switokd_mm.engine.hooks.spot_share_logger_hook import \
    EPOCH_END_ITER  # noqa: E402
from switokd_mm.utils import load_records  # noqa: E402

ITER_SHARE = re.compile(r'^sakd/iter_share_(?P<spot>\w+)$')
EPOCH_SHARE = re.compile(r'^sakd/epoch_share_(?P<spot>\w+)$')


def share_series(records: List[dict],
                 pattern: re.Pattern) -> Dict[str, tuple]:
    """Per spot, the (steps, shares) arrays of the keys ``pattern``
    matches; a step logged twice keeps its last value."""
    points: Dict[str, Dict[int, float]] = {}
    for record in records:
        for key, value in record.items():
            match = pattern.match(key)
            if match:
                points.setdefault(match['spot'], {})[record['step']] = value
    return {
        spot: (np.array(sorted(p)), np.array([p[s] for s in sorted(p)]))
        for spot, p in points.items()
    }


def moving_mean(values: np.ndarray, window: int) -> np.ndarray:
    """Mean of the last ``window`` values at each point (fewer at the
    start)."""
    sums = np.cumsum(np.insert(values.astype(float), 0, 0.0))
    ends = np.arange(1, len(values) + 1)
    starts = np.maximum(ends - window, 0)
    return (sums[ends] - sums[starts]) / (ends - starts)


def share_figure(records: List[dict], window: int) -> Figure:
    """The figure (raises ValueError without SAKD scalars)."""
    per_iter = share_series(records, ITER_SHARE)
    if not per_iter:
        raise ValueError('no sakd/iter_share_* scalars')
    per_epoch = share_series(records, EPOCH_SHARE)
    epoch_ends = {
        r['step']: r[EPOCH_END_ITER]
        for r in records if EPOCH_END_ITER in r
    }
    fig, ax = plt.subplots(figsize=(9, 4))
    for index, (spot, (steps, shares)) in enumerate(per_iter.items()):
        colour = f'C{index}'
        ax.plot(steps, 100 * shares, color=colour, alpha=0.2, linewidth=0.6)
        ax.plot(
            steps,
            100 * moving_mean(shares, window),
            color=colour,
            linewidth=1.8,
            label=f'{spot} (mean of {window} iterations)')
        if spot in per_epoch:
            epochs, means = per_epoch[spot]
            known = np.array([int(e) in epoch_ends for e in epochs], bool)
            ax.plot(
                [epoch_ends[int(e)] for e in epochs[known]],
                100 * means[known],
                'o',
                color=colour,
                markeredgecolor='black')
    ax.set_xlabel('iteration (points: epoch means)')
    ax.set_ylabel('samples distilled (%)')
    ax.set_ylim(-3, 103)
    ax.set_title('SAKD: share of samples distilled at each spot')
    ax.legend(loc='lower left', fontsize='small')
    fig.tight_layout()
    return fig


def main(argv=None) -> List[Path]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('path', help='work_dir, scalars.json or TB log dir')
    parser.add_argument('--out-dir', help='default: <work_dir>/plots')
    parser.add_argument(
        '--formats',
        nargs='+',
        default=['png'],
        help='image formats, e.g. png pdf svg')
    parser.add_argument(
        '--window',
        type=int,
        default=25,
        help='iterations of the moving mean')
    args = parser.parse_args(argv)
    if args.window < 1:
        parser.error('--window must be >= 1')
    path = Path(args.path)
    out_dir = Path(args.out_dir) if args.out_dir else (
        path.parent if path.is_file() else path) / 'plots'
    try:
        fig = share_figure(load_records(path), args.window)
    except ValueError as error:
        raise SystemExit(f'{path}: {error} to plot') from error
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [out_dir / f'spot_shares.{fmt}' for fmt in args.formats]
    for file in written:
        fig.savefig(file, dpi=120)
    plt.close(fig)
    print(f"spot_shares: {', '.join(map(str, written))}")
    return written


if __name__ == '__main__':
    main()
