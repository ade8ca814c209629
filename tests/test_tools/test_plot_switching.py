"""plot_switching draws exactly the logged values of a real run."""
import numpy as np
import pytest

from switokd_mm.utils import load_records
from tools.analysis.plot_switching import main, make_figures


def logged(records, key):
    points = {r['step']: r[key] for r in records if key in r}
    return [points[s] for s in sorted(points)]


def test_switching_figure_data_match_the_log(straight_run):
    records = load_records(straight_run)
    fig = make_figures(records)['switching']
    top, bar = fig.axes
    lines = {line.get_label(): line for line in top.lines}
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


def test_epoch_figures_match_the_log(straight_run):
    records = load_records(straight_run)
    figures = make_figures(records)
    heights = [
        p.get_height() for p in figures['expert_fraction'].axes[0].patches
    ]
    np.testing.assert_allclose(
        heights, [100 * v for v in logged(records, 'switokd/expert_fraction')])
    acc = figures['accuracy'].axes[0]
    assert {t.get_text()
            for t in acc.get_legend().get_texts()
            } == {'student/accuracy/top1', 'teacher/accuracy/top1'}
    heights = sorted(p.get_height() for p in acc.patches)
    expected = sorted(
        logged(records, 'student/accuracy/top1') +
        logged(records, 'teacher/accuracy/top1'))
    np.testing.assert_allclose(heights, expected)


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
    assert 'never paused' in ax.texts[0].get_text()
    for fig in figures.values():
        fig.canvas.draw()
        low, high = fig.axes[0].get_xlim()
        ticks = [t for t in fig.axes[0].get_xticks() if low <= t <= high]
        assert ticks == list(range(1, epochs + 1))
    assert not figures['accuracy'].axes[0].texts
