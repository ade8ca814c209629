"""Print what a SwitOKD run achieved: accuracies and what the switch did.

    python tools/analysis/summarize_run.py work_dirs/demo

Reads the run's scalars with :func:`switokd_mm.utils.load_records`
(``scalars.json`` of every timestamped sub-folder in order, so a resumed run
is read whole, or TensorBoard events).
"""
import argparse
import warnings
from typing import Dict, List

warnings.filterwarnings(
    'ignore', message='Fail to import ``MultiScaleDeformableAttention``')

from switokd_mm.utils import load_records  # noqa: E402


def summarize(records: List[dict]) -> Dict[str, float]:
    """Last validation accuracies and the whole run's switching statistics
    (expert iterations, switches, mean G and delta).

    Modes are counted from the per-iteration ``switokd/iter_expert`` records
    (the last record of a step wins, so an epoch repeated after a resume is
    counted once).
    """
    per_iter = {r['step']: r for r in records if 'switokd/iter_expert' in r}
    sequence = [
        per_iter[step]['switokd/iter_expert'] for step in sorted(per_iter)
    ]
    summary = {}
    accuracies = [
        r for r in records if any(k.endswith('accuracy/top1') for k in r)
    ]
    if accuracies:
        summary.update({
            k: v
            for k, v in accuracies[-1].items() if k.endswith('accuracy/top1')
        })
    summary['iterations'] = len(sequence)
    summary['expert_iterations'] = int(sum(sequence))
    summary['expert_fraction'] = (
        sum(sequence) / len(sequence) if sequence else float('nan'))
    summary['switches'] = sum(a != b for a, b in zip(sequence, sequence[1:]))
    for key in ('gap', 'delta'):
        values = [
            r[f'switokd/iter_{key}'] for r in per_iter.values()
            if f'switokd/iter_{key}' in r
        ]
        summary[f'{key}_mean'] = (
            sum(values) / len(values) if values else float('nan'))
    return summary


def format_summary(work_dir: str, summary: Dict[str, float]) -> str:
    lines = [f'SwitOKD run {work_dir}']
    for key in sorted(k for k in summary if k.endswith('accuracy/top1')):
        lines.append(f'  {key}: {summary[key]:.2f}%')
    lines.append(f"  expert mode: {summary['expert_iterations']}/"
                 f"{summary['iterations']} iterations "
                 f"({100 * summary['expert_fraction']:.1f}%), "
                 f"{summary['switches']} switches")
    lines.append(f"  mean gap G {summary['gap_mean']:.3f} vs mean threshold "
                 f"delta {summary['delta_mean']:.3f}")
    return '\n'.join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('work_dir', help='work directory of a training run')
    args = parser.parse_args(argv)
    print(
        format_summary(args.work_dir, summarize(load_records(args.work_dir))))


if __name__ == '__main__':
    main()
