"""The accuracy study's bookkeeping (the study itself trains for hours:
run it with tools/benchmarks/accuracy_table.py)."""
import json
import os.path as osp

import pytest

from tools.benchmarks import accuracy_table
from tools.benchmarks.accuracy_table import ROWS


def test_every_row_has_a_config_and_its_own_work_directory():
    for row in ROWS:
        assert osp.isfile(row.config_path), row
    assert len({row.run for row in ROWS}) == len(ROWS)


def test_a_setting_brings_its_overrides_and_the_vanilla_student_of_its_data():
    rows = accuracy_table.selected_rows(settings=['fashion_mnist_tau0.5'])
    assert [(row.method, row.setting) for row in rows] == [
        ('vanilla', 'fashion_mnist'),
        ('DML', 'fashion_mnist_tau0.5'),
        ('SwitOKD (Eq. 6)', 'fashion_mnist_tau0.5'),
    ]
    switokd = rows[2]
    assert accuracy_table.run_options(switokd, 1, '/w', {}) == {
        'model.tau': 0.5,
        'model.gap_tau': 0.5,
        'randomness.seed': 1,
    }
    # DML has no gate, so no gate temperature
    assert accuracy_table.run_options(rows[1], 1, '/w', {}) == {
        'model.tau': 0.5,
        'randomness.seed': 1,
    }
    assert switokd.run.endswith('_tau0.5') and switokd.config_path.endswith(
        'configs/fashion_mnist/switokd_wrn16-1_resnet8-w4_1xb128_'
        'fashion-mnist.py')
    with pytest.raises(SystemExit, match='glyphs'):
        accuracy_table.selected_rows(settings=['glyphs'])


def test_offline_rows_bring_their_teachers_run_and_its_checkpoint():
    rows = accuracy_table.selected_rows(['CRD'])
    # the vanilla student (compared with), the vanilla teacher (loaded)
    assert [(row.method, row.teacher) for row in rows] == [
        ('vanilla', '–'), ('vanilla', 'wrn16-1'), ('CRD', 'wrn16-1')]
    crd = rows[2]
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
    runs = {row.run: [fake_run(row, 0)] for row in rows}
    text = accuracy_table.table(runs, rows)
    # the vanilla student comes along; DML does not
    assert ('| KD | wrn16-1 | 70.00 ± nan | 0.00 ± nan | – | 80.00 ± nan |'
            in text)
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
        margin_median=0.5 + expert,
        wall_seconds=120.0)


def row_named(method, teacher, setting='fashion_mnist'):
    return next(r for r in ROWS if r.method == method
                and r.teacher == teacher and r.setting == setting)


def test_table_means_differences_to_dml_and_expert_share():
    runs = {row.run: [fake_run(row, 0), fake_run(row, 1)] for row in ROWS}
    dml = row_named('DML', 'wrn16-1')
    runs[dml.run] = [
        fake_run(dml, 0, student=80.0),
        fake_run(dml, 1, student=82.0)
    ]
    eq5 = row_named('SwitOKD (Eq. 5)', 'wrn16-1')
    runs[eq5.run] = [
        fake_run(eq5, 0, student=82.0, teacher=90.0, expert=0.25),
        fake_run(eq5, 1, student=84.0, teacher=92.0, expert=0.75)
    ]
    half_dml = row_named('DML', 'wrn16-1', 'fashion_mnist_tau0.5')
    runs[half_dml.run] = [
        fake_run(half_dml, 0, student=60.0),
        fake_run(half_dml, 1, student=61.0)
    ]
    text = accuracy_table.table(runs)
    fashion, half, glyphs = text.split('\n\n**')
    # the vanilla student: 70 at both seeds
    assert ('| DML | wrn16-1 | 81.00 ± 1.41 | 11.00 ± 1.41 | 0.00 ± 0.00 | '
            '80.00 ± 0.00 | – | – | – | 2.0 min |') in fashion
    # per seed 82 - 80 and 84 - 82: 2 +- 0; expert share 0.5 on average,
    # margin medians 0.75 and 1.25
    assert ('| SwitOKD (Eq. 5) | wrn16-1 | 83.00 ± 1.41 | 13.00 ± 1.41 | '
            '2.00 ± 0.00 | 91.00 ± 1.41 | 50.0 % | 3 | 1.00 | 2.0 min |'
            ) in fashion
    # KDCL's students: 70 - 80 and 70 - 82
    assert '| KDCL | wrn16-1 | 70.00 ± 0.00 | 0.00 ± 0.00 | -11.00 ± 1.41 |' \
        in fashion
    assert ('| vanilla | – | 70.00 ± 0.00 | – | – | – | – | – | – | 2.0 min |'
            in fashion)
    # at tau 0.5, compared with DML at tau 0.5 and Fashion-MNIST's vanilla
    assert half.startswith('Fashion-MNIST, tau = gap_tau = 0.5**')
    assert '| vanilla |' not in half
    assert ('| SwitOKD (Eq. 6) | wrn16-1 | 70.00 ± 0.00 | 0.00 ± 0.00 | '
            '9.50 ± 0.71 |') in half
    assert glyphs.startswith('Glyphs-100**') and '| vanilla | – |' in glyphs
    seeds = accuracy_table.per_seed_table(runs)
    assert ('| Fashion-MNIST | SwitOKD (Eq. 5) | wrn16-1 | 1 | 84.00 | 92.00 '
            '| 75/100 | 3 | 1.25 | 2.0 min |') in seeds


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
        directory = tmp_path / row.run / 'seed0'
        write_run(directory, 2, row.metrics.values())
        (directory / accuracy_table.WALL_TIME_FILE).write_text(
            json.dumps(dict(seconds=60.0, threads=1)))
    with pytest.raises(SystemExit, match=ROWS[-1].run):
        accuracy_table.main(['--summarize-only', *options])

    last = tmp_path / ROWS[-1].run / 'seed0'
    write_run(last, 2, ROWS[-1].metrics.values())
    report = accuracy_table.main(['--summarize-only', *options])
    assert report['runs'][ROWS[-1].run][0]['top1'] == {
        net: 52.0
        for net in ROWS[-1].metrics
    }
    # no wall-time file: not trained by the tool, so no time to report
    assert 'nan min' in report['per_seed_table']
    assert json.loads((tmp_path / 'results.json').read_text())['table'] == (
        report['table'])
