"""read_decision: one transfer to Python values, non-finite values stop."""
import math

import pytest
import torch

from switokd_mm.models.utils import read_decision

STATS = torch.tensor([[0.5, 1.0, 0.4], [0.2, 0.9, 0.8]])


def read(stats=STATS, deltas=(0.3, math.inf), finite=(True, True, True)):
    deltas = torch.tensor(deltas)
    decided = stats[:, 0] > deltas
    return read_decision(stats, deltas, decided, torch.tensor(finite),
                         'Model')


def test_values_come_back_as_python_values():
    host = read()
    assert host.stats == STATS.tolist()
    assert host.deltas == [pytest.approx(0.3), math.inf]  # NeverSwitch: inf
    assert host.triggered == [True, False]
    assert all(type(flag) is bool for flag in host.triggered)


@pytest.mark.parametrize('kwargs, match', [
    (dict(stats=STATS.clone().fill_(float('nan'))), 'statistics'),
    (dict(finite=(True, False, True)), 'logits'),
    (dict(deltas=(float('nan'), 0.1)), 'threshold delta'),
])
def test_non_finite_values_stop_the_run(kwargs, match):
    with pytest.raises(FloatingPointError, match=match):
        read(**kwargs)
