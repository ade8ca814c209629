"""plot_switching draws exactly the logged values of a real run."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from switokd_mm.utils import load_records
from tools.analysis.plot_switching import main, make_figures


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close('all')


def logged(records, key):
    points = {r['step']: r[key] for r in records if key in r}
    return [points[s] for s in sorted(points)]


def test_switching_figure_data_match_the_log(straight_run):
    records = load_records(straight_run)
    fig = make_figures(records)['switching']
    top, margin, bar = fig.axes
    lines = {line.get_label(): line for line in top.lines}
    # the gate's margin beneath, clipped at the panel's top, and the line
    # at 1 above which the gate fires
    under = {line.get_label(): line for line in margin.lines}
    np.testing.assert_allclose(
        under['gate margin'].get_ydata(),
        np.minimum(logged(records, 'switokd/iter_margin'), 3.0))
    assert list(under['fires above 1'].get_ydata()) == [1.0, 1.0]
    np.testing.assert_allclose(lines['G (distillation gap)'].get_ydata(),
                               logged(records, 'switokd/iter_gap'))
    np.testing.assert_allclose(lines['δ (threshold)'].get_ydata(),
                               logged(records, 'switokd/iter_delta'))
    assert list(lines['G (distillation gap)'].get_xdata()) == list(
        range(1, 25))
    modes = bar.images[0].get_array()[0]
    np.testing.assert_array_equal(modes, logged(records,
                                                'switokd/iter_expert'))
    assert 0 < modes.sum() < len(modes)


def lines_by_label(fig):
    return {line.get_label(): line for line in fig.axes[0].lines}


def test_epoch_figures_match_the_log(straight_run):
    """Per-epoch values as lines with human legends, axes with units."""
    records = load_records(straight_run)
    figures = make_figures(records)
    share = lines_by_label(figures['expert_fraction'])
    assert list(share) == ['expert-mode share']
    np.testing.assert_allclose(
        share['expert-mode share'].get_ydata(),
        [100 * v for v in logged(records, 'switokd/expert_fraction')])
    accuracy = lines_by_label(figures['accuracy'])
    assert set(accuracy) == {'student top-1 (%)', 'teacher top-1 (%)'}
    for network in ('student', 'teacher'):
        line = accuracy[f'{network} top-1 (%)']
        np.testing.assert_allclose(line.get_ydata(),
                                   logged(records, f'{network}/accuracy/top1'))
        assert list(line.get_xdata()) == [1, 2, 3]
    for fig in (figures['expert_fraction'], figures['accuracy']):
        ax = fig.axes[0]
        assert {t.get_text()
                for t in ax.get_legend().get_texts()
                } == set(lines_by_label(fig))
        assert ax.get_xlabel() == 'epoch'
        assert ax.get_ylabel().endswith('(%)')
        assert not ax.patches  # no bars


def test_short_runs_show_each_value(straight_run):
    """Three epochs: every point is marked and labelled with its value, in
    its line's colour."""
    records = load_records(straight_run)
    figures = make_figures(records)
    for name, keys in [('expert_fraction', ['switokd/expert_fraction']),
                       ('accuracy',
                        ['student/accuracy/top1', 'teacher/accuracy/top1'])]:
        ax = figures[name].axes[0]
        scale = 100 if name == 'expert_fraction' else 1
        expected = sorted(f'{scale * v:.1f}%' for key in keys
                          for v in logged(records, key))
        assert sorted(t.get_text() for t in ax.texts
                      if t.get_text().endswith('%')) == expected
        assert all(line.get_marker() == 'o' for line in ax.lines)
        assert {t.get_color()
                for t in ax.texts} == {line.get_color()
                                       for line in ax.lines}


def test_long_runs_are_plain_lines():
    """Forty epochs: values are not written on the chart."""
    records = [{
        'step': epoch,
        'switokd/expert_fraction': 0.5,
        'student/accuracy/top1': 50.0
    } for epoch in range(1, 41)]
    for fig in make_figures(records).values():
        ax = fig.axes[0]
        assert not ax.texts
        assert ax.lines[0].get_marker() in ('None', None, '')


@pytest.mark.parametrize('key, label', [
    ('switokd/expert_fraction', 'expert-mode share'),
    ('switokd/wrn-mbv2/expert_fraction', 'wrn→mbv2 expert share'),
    ('switokd/wrn-16-mbv2/expert_fraction', 'wrn-16-mbv2 expert share'),
    ('student/accuracy/top1', 'student top-1 (%)'),
    ('r8w4/accuracy/top1', 'r8w4 top-1 (%)'), ('accuracy/top1', 'top-1 (%)'),
    ('switokd/odd/extra/expert_fraction', 'switokd/odd/extra/expert_fraction')
])
def test_legend_names_known_keys_for_humans(key, label):
    """Known keys get a human label; an unknown one keeps its key."""
    records = [{'step': 1, key: 0.5}]
    (fig, ) = make_figures(records).values()
    assert [t.get_text()
            for t in fig.axes[0].get_legend().get_texts()] == [label]


def test_writes_png_and_pdf(straight_run, tmp_path):
    written = main([
        str(straight_run), '--out-dir',
        str(tmp_path), '--formats', 'png', 'pdf'
    ])
    assert set(written) == {'switching', 'expert_fraction', 'accuracy'}
    for files in written.values():
        for file in files:
            assert file.stat().st_size > 1000


def test_tensorboard_events_are_read(tmp_path):
    from torch.utils.tensorboard import SummaryWriter
    writer = SummaryWriter(str(tmp_path / 'tb'))
    for step, (gap, expert) in enumerate([(0.1, 0.0), (0.5, 1.0)], start=1):
        writer.add_scalar('switokd/iter_gap', gap, step)
        writer.add_scalar('switokd/iter_expert', expert, step)
    writer.close()
    records = load_records(tmp_path)
    assert logged(records, 'switokd/iter_gap') == pytest.approx([0.1, 0.5])
    series = make_figures(records)['switching'].axes[1].images[0].get_array()
    np.testing.assert_array_equal(series[0], [0.0, 1.0])
    # the event file itself, as well as its folder
    (event_file, ) = (tmp_path / 'tb').glob('events.out.tfevents.*')
    assert load_records(event_file) == records


def test_nothing_to_plot(tmp_path):
    with pytest.raises(FileNotFoundError, match='no scalars.json'):
        load_records(tmp_path)


def test_one_mode_bar_per_pair():
    """Multi-network runs log switokd/<pair>/iter_*: one bar each."""
    records = [{
        'step': step,
        'switokd/wrn-mbv2/iter_gap': 0.1 * step,
        'switokd/wrn-mbv2/iter_expert': float(step % 2),
        'switokd/r34-mbv2/iter_expert': 1.0
    } for step in (1, 2, 3)]
    fig = make_figures(records)['switching']
    bars = fig.axes[1:]
    assert [ax.get_ylabel() for ax in bars] == ['r34-mbv2', 'wrn-mbv2']
    np.testing.assert_array_equal(bars[1].images[0].get_array()[0],
                                  [1.0, 0.0, 1.0])
    (line, ) = fig.axes[0].lines
    assert line.get_label() == 'wrn-mbv2: G (distillation gap)'


@pytest.mark.parametrize('epochs', [1, 3])
def test_epoch_ticks_are_whole_and_no_switching_is_said(epochs):
    """A run without expert iterations: a readable axis and a note, not an
    empty chart with a +-0.04 % axis; epochs are ticked 1, 2, ..."""
    records = [{
        'step': epoch,
        'switokd/expert_fraction': 0.0,
        'student/accuracy/top1': 50.0 + epoch
    } for epoch in range(1, epochs + 1)]
    figures = make_figures(records)
    ax = figures['expert_fraction'].axes[0]
    assert ax.get_ylim() == (0, 10)
    assert any('never paused' in t.get_text() for t in ax.texts)
    for fig in figures.values():
        fig.canvas.draw()
        low, high = fig.axes[0].get_xlim()
        ticks = [t for t in fig.axes[0].get_xticks() if low <= t <= high]
        assert ticks == list(range(1, epochs + 1))
    assert not any('paused' in t.get_text()
                   for t in figures['accuracy'].axes[0].texts)
