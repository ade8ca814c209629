"""Read the scalars a training run logged, from any visualizer backend."""
import json
from pathlib import Path
from typing import Dict, List, Union


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


def load_records(path: Union[str, Path]) -> List[dict]:
    """Every scalar record of a run, oldest first.

    Args:
        path: a ``scalars.json`` written by mmengine's LocalVisBackend, a
            work directory (all its ``*/vis_data/scalars.json``, in time
            order, so a resumed run is read whole), or a folder holding
            TensorBoard event files (TensorboardVisBackend).

    Returns:
        list[dict]: one dict per logged line: ``step`` plus the values.

    Raises:
        FileNotFoundError: nothing readable at ``path``.
    """
    path = Path(path)
    if path.is_file():
        return _json_records([path])
    scalars = sorted(path.glob('*/vis_data/scalars.json'))
    if scalars:
        return _json_records(scalars)
    events = sorted(path.rglob('events.out.tfevents.*'))
    if events:
        return _tensorboard_records(events)
    raise FileNotFoundError(
        f'no scalars.json or TensorBoard events under {path} (pass a '
        f'work_dir of tools/train.py or a scalars.json)')
