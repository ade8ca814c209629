"""Print what a SwitOKD run achieved: accuracies and what the switch did.

Each network's top-1 at the last validation and at its own best one (the
released scripts report the best).

    python tools/analysis/summarize_run.py work_dirs/demo

Reads the run's scalars with :func:`switokd_mm.utils.load_records`
(``scalars.json`` of every timestamped sub-folder in order, so a resumed run
is read whole, or TensorBoard events).
"""
import argparse
import math
from typing import Dict

from switokd_mm.utils import load_records, summarize_records


def format_summary(work_dir: str, summary: Dict[str, float]) -> str:
    lines = [f'SwitOKD run {work_dir}']
    last = [k for k in summary if k.endswith('accuracy/top1') and
            not k.startswith(('best/', 'best_step/'))]
    for key in sorted(last):
        lines.append(f'  {key}: last {summary[key]:.2f}%, best '
                     f"{summary[f'best/{key}']:.2f}% (epoch "
                     f"{summary[f'best_step/{key}']})")
    lines.append(f"  expert mode: {summary['expert_iterations']}/"
                 f"{summary['iterations']} iterations "
                 f"({100 * summary['expert_fraction']:.1f}%), "
                 f"{summary['switches']} switches")
    lines.append(f"  mean gap G {summary['gap_mean']:.3f} vs mean threshold "
                 f"delta {summary['delta_mean']:.3f}")
    if not math.isnan(summary['margin_median']):
        lines.append(f"  gate margin median {summary['margin_median']:.2f} "
                     f"(the gate fires above 1.0); epochs without a pause: "
                     f"{summary['epochs_without_pause']} of "
                     f"{summary['epochs']}")
    return '\n'.join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('work_dir', help='work directory of a training run')
    args = parser.parse_args(argv)
    print(
        format_summary(args.work_dir,
                       summarize_records(load_records(args.work_dir))))


if __name__ == '__main__':
    main()
