"""Read the scalars a training run logged, from any visualizer backend."""
import json
import statistics
from pathlib import Path
from typing import Dict, List, Union

from switokd_mm.log_keys import stat_key


def _json_records(files: List[Path]) -> List[dict]:
    return [
        json.loads(line) for path in files
        for line in path.read_text().splitlines() if line.strip()
    ]


def _tensorboard_records(files: List[Path]) -> List[dict]:
    """One record per (file, step) with every scalar logged at that step."""
    from tensorboard.backend.event_processing.event_accumulator import \
        EventAccumulator
    records = []
    for path in files:
        events = EventAccumulator(str(path), size_guidance={'scalars': 0})
        events.Reload()
        by_step: Dict[int, dict] = {}
        for tag in events.Tags()['scalars']:
            for event in events.Scalars(tag):
                by_step.setdefault(event.step, {'step': event.step})[tag] = \
                    event.value
        records += [by_step[step] for step in sorted(by_step)]
    return records


def _latest_per_step(records: List[dict]) -> List[dict]:
    """One record per kind (set of keys) and step, the last one logged: a
    resumed run logs again the iterations trained after its checkpoint by
    the interrupted run."""
    latest: Dict[tuple, dict] = {}
    for record in records:
        latest[frozenset(record), record['step']] = record
    return list(latest.values())


def load_records(path: Union[str, Path]) -> List[dict]:
    """Every scalar record of a run, oldest first.

    Args:
        path: a ``scalars.json`` written by mmengine's LocalVisBackend, a
            work directory (all its ``*/vis_data/scalars.json``, in time
            order, so a resumed run is read whole; of a step logged twice,
            by an interrupted run and by its resumed run, the later record
            is kept), or a folder holding TensorBoard event files
            (TensorboardVisBackend).

    Returns:
        list[dict]: one dict per logged line: ``step`` plus the values.

    Raises:
        FileNotFoundError: nothing readable at ``path``.
    """
    path = Path(path)
    if path.is_file():
        read = _tensorboard_records if path.name.startswith(
            'events.out.tfevents') else _json_records
        return _latest_per_step(read([path]))
    scalars = sorted(path.glob('*/vis_data/scalars.json'))
    if scalars:
        return _latest_per_step(_json_records(scalars))
    events = sorted(path.rglob('events.out.tfevents.*'))
    if events:
        return _latest_per_step(_tensorboard_records(events))
    raise FileNotFoundError(
        f'no scalars.json or TensorBoard events under {path} (pass a '
        f'work_dir of tools/train.py or a scalars.json)')


def summarize_records(records: List[dict]) -> Dict[str, float]:
    """Last and best validation accuracies of every network and the whole
    run's switching statistics (expert iterations, switches, mean G and
    delta). The best epoch is each network's own, as the released scripts
    report it.

    Modes are counted from the per-iteration ``switokd/iter_expert`` records
    (the last record of a step wins, so an epoch repeated after a resume is
    counted once).

    Args:
        records: the records of one run, from :func:`load_records`.

    Returns:
        dict: the last ``*accuracy/top1`` values, each one's best over the
        validations as ``best/<key>`` and its step (epoch) as
        ``best_step/<key>``, ``iterations``,
        ``expert_iterations``, ``expert_fraction``, ``switches``,
        ``gap_mean``, ``delta_mean``, ``margin_median`` (the gate fires
        above 1; nan for runs logged before the margin was), ``epochs`` and
        ``epochs_without_pause``.
    """
    expert = stat_key('iter_expert')
    per_iter = {r['step']: r for r in records if expert in r}
    sequence = [per_iter[step][expert] for step in sorted(per_iter)]
    summary = {}
    accuracies = [
        r for r in records if any(k.endswith('accuracy/top1') for k in r)
    ]
    if accuracies:
        summary.update({
            k: v
            for k, v in accuracies[-1].items() if k.endswith('accuracy/top1')
        })
        for key in [k for k in summary]:
            best = max((r for r in accuracies if key in r),
                       key=lambda r: r[key])
            summary[f'best/{key}'] = best[key]
            summary[f'best_step/{key}'] = best['step']
    summary['iterations'] = len(sequence)
    summary['expert_iterations'] = int(sum(sequence))
    summary['expert_fraction'] = (
        sum(sequence) / len(sequence) if sequence else float('nan'))
    summary['switches'] = sum(a != b for a, b in zip(sequence, sequence[1:]))
    for key in ('gap', 'delta'):
        name = stat_key(f'iter_{key}')
        values = [r[name] for r in per_iter.values() if name in r]
        summary[f'{key}_mean'] = (
            sum(values) / len(values) if values else float('nan'))
    margin = stat_key('iter_margin')
    margins = [r[margin] for r in per_iter.values() if margin in r]
    summary['margin_median'] = (
        statistics.median(margins) if margins else float('nan'))
    fraction = stat_key('expert_fraction')
    per_epoch = {r['step']: r[fraction] for r in records if fraction in r}
    summary['epochs'] = len(per_epoch)
    summary['epochs_without_pause'] = sum(
        1 for share in per_epoch.values() if share == 0)
    return summary
