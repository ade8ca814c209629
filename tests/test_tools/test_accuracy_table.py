"""The accuracy study's bookkeeping (the study itself trains for about two
hours: run it with tools/benchmarks/accuracy_table.py)."""
import json
import os.path as osp

import pytest

from tools.benchmarks import accuracy_table
from tools.benchmarks.accuracy_table import ROWS


def test_every_row_has_a_config():
    for row in ROWS:
        assert osp.isfile(
            osp.join(accuracy_table.CONFIG_DIR, f'{row.config}.py')), row


def test_offline_rows_bring_their_teachers_run_and_its_checkpoint():
    rows = accuracy_table.selected_rows(['CRD'])
    assert [row.method for row in rows] == ['vanilla', 'CRD']
    crd = rows[1]
    options = accuracy_table.run_options(crd, 2, '/w',
                                         {crd.teacher_run: 4})
    assert options == {
        'randomness.seed': 2,
        'model.teacher_ckpt':
        f'/w/{crd.teacher_run}/seed2/epoch_4.pth',
    }
    with pytest.raises(SystemExit, match='Vanila'):
        accuracy_table.selected_rows(['Vanila'])


def test_a_subset_of_rows_leaves_out_the_differences_it_cannot_pair():
    rows = accuracy_table.selected_rows(['KD'])
    runs = {row.config: [fake_run(row, 0)] for row in rows}
    text = accuracy_table.table(runs, rows)
    assert '| KD | wrn16-1 | 70.00 ± nan | – | – | 80.00 ± nan |' in text
    assert '| DML |' not in text


def test_mean_and_sample_std():
    assert accuracy_table.mean_std([70.0, 72.0, 74.0]) == '72.00 ± 2.00'


def fake_run(row, seed, student=70.0, teacher=80.0, expert=0.0):
    top1 = dict(student=student, teacher=teacher)
    return dict(
        seed=seed,
        top1={net: top1[net]
              for net in row.metrics},
        expert_fraction=expert,
        expert_iterations=int(100 * expert),
        iterations=100,
        switches=3,
        wall_seconds=120.0)


def row_named(method, teacher):
    return next(r for r in ROWS
                if r.method == method and r.teacher == teacher)


def test_table_means_differences_to_dml_and_expert_share():
    runs = {row.config: [fake_run(row, 0), fake_run(row, 1)] for row in ROWS}
    dml = row_named('DML', 'wrn16-1')
    runs[dml.config] = [
        fake_run(dml, 0, student=80.0),
        fake_run(dml, 1, student=82.0)
    ]
    eq5 = row_named('SwitOKD (Eq. 5)', 'wrn16-1')
    runs[eq5.config] = [
        fake_run(eq5, 0, student=82.0, teacher=90.0, expert=0.25),
        fake_run(eq5, 1, student=84.0, teacher=92.0, expert=0.75)
    ]
    text = accuracy_table.table(runs)
    # the vanilla student: 70 at both seeds
    assert ('| DML | wrn16-1 | 81.00 ± 1.41 | 11.00 ± 1.41 | 0.00 ± 0.00 | '
            '80.00 ± 0.00 | – | – | 2.0 min |') in text
    # per seed 82 - 80 and 84 - 82: 2 +- 0; expert share 0.5 on average
    assert ('| SwitOKD (Eq. 5) | wrn16-1 | 83.00 ± 1.41 | 13.00 ± 1.41 | '
            '2.00 ± 0.00 | 91.00 ± 1.41 | 50.0 % | 3 | 2.0 min |') in text
    # KDCL's students: 70 - 80 and 70 - 82
    assert '| KDCL | wrn16-1 | 70.00 ± 0.00 | 0.00 ± 0.00 | -11.00 ± 1.41 |' \
        in text
    assert ('| vanilla | – | 70.00 ± 0.00 | – | – | – | – | – | 2.0 min |'
            in text)
    seeds = accuracy_table.per_seed_table(runs)
    assert ('| SwitOKD (Eq. 5) | wrn16-1 | 1 | 84.00 | 92.00 | 75/100 | 3 | '
            '2.0 min |') in seeds


def write_run(directory, epochs, metrics=('student/accuracy/top1', )):
    vis = directory / '20260101_000000' / 'vis_data'
    vis.mkdir(parents=True)
    lines = [{
        **{metric: 50.0 + e
           for metric in metrics}, 'step': e
    } for e in range(1, epochs + 1)]
    (vis / 'scalars.json').write_text('\n'.join(map(json.dumps, lines)))


def test_only_finished_runs_count(tmp_path):
    assert accuracy_table.final_validation(str(tmp_path / 'none'), 2) is None
    write_run(tmp_path / 'half', 1)
    assert accuracy_table.final_validation(str(tmp_path / 'half'), 2) is None
    write_run(tmp_path / 'done', 2)
    summary = accuracy_table.final_validation(str(tmp_path / 'done'), 2)
    assert summary['student/accuracy/top1'] == pytest.approx(52.0)


def test_summarize_only_tabulates_finished_runs_and_refuses_missing_ones(
        tmp_path):
    options = ['--seeds', '0', '--work-dir', str(tmp_path), '--cfg-options',
               'train_cfg.max_epochs=2']
    for row in ROWS[:-1]:
        directory = tmp_path / row.config / 'seed0'
        write_run(directory, 2, row.metrics.values())
        (directory / accuracy_table.WALL_TIME_FILE).write_text(
            json.dumps(dict(seconds=60.0, threads=1)))
    with pytest.raises(SystemExit, match=ROWS[-1].config):
        accuracy_table.main(['--summarize-only', *options])

    last = tmp_path / ROWS[-1].config / 'seed0'
    write_run(last, 2, ROWS[-1].metrics.values())
    report = accuracy_table.main(['--summarize-only', *options])
    assert report['runs'][ROWS[-1].config][0]['top1'] == {
        net: 52.0
        for net in ROWS[-1].metrics
    }
    # no wall-time file: not trained by the tool, so no time to report
    assert 'nan min' in report['per_seed_table']
    assert json.loads((tmp_path / 'results.json').read_text())['table'] == (
        report['table'])
