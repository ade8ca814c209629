"""The names under which SwitOKD's decisions are logged, defined once.

A model's log variables hold, per (teacher, student) pair, ``switokd/<stat>``
for the only pair of a two-network model, or ``switokd/<pair>/<stat>`` with
several pairs (and ``switokd/<teacher>/paused``), for the stats ``gap``,
``delta``, ``ds``, ``dt`` and ``expert``. ``SwitchingLoggerHook`` writes the
exact per-iteration values as ``.../iter_<stat>`` scalars and per-epoch
summaries as ``.../expert_fraction`` and ``.../num_switches``.
"""
import re
from typing import Dict, List, Optional

PREFIX = 'switokd'
#: a pair's per-iteration statistics, in log order
PAIR_STATS = ('gap', 'delta', 'ds', 'dt', 'expert')
#: a per-iteration scalar written by SwitchingLoggerHook
ITER_SCALAR = re.compile(rf'^{PREFIX}/(?:(?P<owner>.+)/)?iter_(?P<stat>\w+)$')


def stat_key(stat: str, owner: Optional[str] = None) -> str:
    """``switokd/<stat>``, or ``switokd/<owner>/<stat>`` for a pair or a
    teacher of a multi-network model."""
    return f'{PREFIX}/{stat}' if owner is None else \
        f'{PREFIX}/{owner}/{stat}'


def switching_log(pair_names: List[Optional[str]],
                  stats: List[List[float]],
                  deltas: List[float],
                  triggered: List[bool],
                  paused: Optional[Dict[str, bool]],
                  stat_prefix: str = '') -> Dict[str, float]:
    """The log variables of one iteration's decisions.

    Args:
        pair_names: each pair's owner name in keys (None: the only pair).
        stats: G, ds, dt of each pair.
        deltas: each pair's threshold.
        triggered: whether each pair is in expert mode.
        paused: whether each teacher is paused, logged when given.
        stat_prefix: put before each stat's name (``'iter_'``: the
            per-iteration scalars of ``SwitchingLoggerHook``).

    Returns:
        dict: key -> float.
    """
    log_vars = {}
    for pair, (gap, ds, dt), delta, expert in zip(pair_names, stats, deltas,
                                                  triggered):
        values = (gap, delta, ds, dt, expert)
        log_vars.update({
            stat_key(stat_prefix + stat, pair): float(value)
            for stat, value in zip(PAIR_STATS, values)
        })
    for teacher, is_paused in (paused or {}).items():
        log_vars[stat_key(stat_prefix + 'paused', teacher)] = float(is_paused)
    return log_vars
