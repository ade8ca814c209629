"""The accuracy benchmark's bookkeeping (the benchmark itself trains for an
hour: run it with tools/benchmarks/accuracy_table.py)."""
import json
import os.path as osp

import pytest

from tools.benchmarks import accuracy_table


def test_every_row_has_a_config():
    for columns in accuracy_table.ROWS.values():
        for config, _ in columns.values():
            assert osp.isfile(
                osp.join(accuracy_table.CONFIG_DIR, f'{config}.py')), config


def test_mean_and_sample_std():
    assert accuracy_table.mean_std([70.0, 72.0, 74.0]) == '72.00 ± 2.00'


def test_table_rows():
    text = accuracy_table.table(
        {
            'vanilla': dict(student=[60.0, 62.0], teacher=[80.0, 80.0]),
            'SwitOKD': dict(student=[64.0, 66.0], teacher=[81.0, 83.0]),
        }, {'SwitOKD': [0.25, 0.75]})
    assert '| vanilla | 61.00 ± 1.41 | 80.00 ± 0.00 | – |' in text
    assert ('| SwitOKD | 65.00 ± 1.41 | 82.00 ± 1.41 | 50.0% of iterations |'
            in text)


def write_run(directory, epochs):
    vis = directory / '20260101_000000' / 'vis_data'
    vis.mkdir(parents=True)
    lines = [{'student/accuracy/top1': 50.0 + e, 'step': e}
             for e in range(1, epochs + 1)]
    (vis / 'scalars.json').write_text('\n'.join(map(json.dumps, lines)))


def test_only_finished_runs_count(tmp_path):
    assert accuracy_table.final_validation(str(tmp_path / 'none'), 2) is None
    write_run(tmp_path / 'half', 1)
    assert accuracy_table.final_validation(str(tmp_path / 'half'), 2) is None
    write_run(tmp_path / 'done', 2)
    summary = accuracy_table.final_validation(str(tmp_path / 'done'), 2)
    assert summary['student/accuracy/top1'] == pytest.approx(52.0)
