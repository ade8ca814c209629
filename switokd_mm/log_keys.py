"""The names under which SwitOKD's decisions are logged, defined once.

A model's log variables hold, per (teacher, student) pair, ``switokd/<stat>``
for the only pair of a two-network model, or ``switokd/<pair>/<stat>`` with
several pairs (and ``switokd/<teacher>/paused``), for the stats ``gap``,
``delta``, ``ds``, ``dt`` and ``expert`` and the gate's diagnostics
``margin``, ``excess_true`` and ``excess_wrong``. ``SwitchingLoggerHook``
writes the exact per-iteration values as ``.../iter_<stat>`` scalars and
per-epoch summaries as ``.../expert_fraction`` and ``.../num_switches``.
"""
import re
from typing import TYPE_CHECKING, Dict, List, Optional

if TYPE_CHECKING:  # the models build it; this module only reads it
    from switokd_mm.models.utils import HostDecision

PREFIX = 'switokd'
#: a pair's per-iteration statistics, in log order
PAIR_STATS = ('gap', 'delta', 'ds', 'dt', 'expert')
#: a pair's gate diagnostics (docs/design.md §1.4): E / (delta - (ds - dt))
#: (the gate fires above 1) and the two parts of E = G - (ds - dt)
GATE_DIAGNOSTICS = ('margin', 'excess_true', 'excess_wrong')
#: a per-iteration scalar written by SwitchingLoggerHook
ITER_SCALAR = re.compile(rf'^{PREFIX}/(?:(?P<owner>.+)/)?iter_(?P<stat>\w+)$')


def stat_key(stat: str, owner: Optional[str] = None) -> str:
    """``switokd/<stat>``, or ``switokd/<owner>/<stat>`` for a pair or a
    teacher of a multi-network model."""
    return f'{PREFIX}/{stat}' if owner is None else \
        f'{PREFIX}/{owner}/{stat}'


def switching_log(pair_names: List[Optional[str]],
                  host: 'HostDecision',
                  paused: Optional[Dict[str, bool]],
                  stat_prefix: str = '') -> Dict[str, float]:
    """The log variables of one iteration's decisions.

    Args:
        pair_names: each pair's owner name in keys (None: the only pair).
        host: the decision read to the host: each pair's G, ds, dt, delta,
            mode and, when read, its gate margin and excess parts.
        paused: whether each teacher is paused, logged when given.
        stat_prefix: put before each stat's name (``'iter_'``: the
            per-iteration scalars of ``SwitchingLoggerHook``).

    Returns:
        dict: key -> float.
    """
    log_vars = {}
    diagnostics = host.diagnostics or [[]] * len(pair_names)
    for pair, (gap, ds, dt), delta, expert, extra in zip(
            pair_names, host.stats, host.deltas, host.triggered,
            diagnostics):
        values = (gap, delta, ds, dt, expert, *extra)
        log_vars.update({
            stat_key(stat_prefix + stat, pair): float(value)
            for stat, value in zip(PAIR_STATS + GATE_DIAGNOSTICS, values)
        })
    for teacher, is_paused in (paused or {}).items():
        log_vars[stat_key(stat_prefix + 'paused', teacher)] = float(is_paused)
    return log_vars
