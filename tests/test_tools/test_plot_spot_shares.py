"""plot_spot_shares draws the logged per-iteration shares, their moving
mean and the epochs' means of a spot-adaptive run."""
import json

import matplotlib.pyplot as plt
import numpy as np
import pytest

from switokd_mm.utils import load_records
from tools.analysis.plot_spot_shares import main, moving_mean, share_figure

#: two epochs of three iterations: shares of f1 and of the logits
F1 = [1.0, 0.5, 0.0, 0.25, 0.75, 1.0]
LOGITS = [0.5, 0.5, 1.0, 0.75, 0.25, 0.5]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close('all')


def write_scalars(work_dir, lines):
    """mmengine's LocalVisBackend layout: one JSON record per line."""
    vis_data = work_dir / '20260101_000000' / 'vis_data'
    vis_data.mkdir(parents=True)
    (vis_data / 'scalars.json').write_text(''.join(
        json.dumps(line) + '\n' for line in lines))


def sakd_lines():
    lines = []
    for it, (f1, logits) in enumerate(zip(F1, LOGITS)):
        lines.append({
            'loss': 1.0,
            'sakd/share_f1': f1,  # the logger's window mean: not plotted
            'step': it + 1
        })
        lines.append({
            'sakd/iter_share_f1': f1,
            'sakd/iter_share_logits': logits,
            'step': it + 1
        })
        if (it + 1) % 3 == 0:
            epoch = (it + 1) // 3
            lines.append({
                'sakd/epoch_share_f1':
                np.mean(F1[it - 2:it + 1]),
                'sakd/epoch_share_logits':
                np.mean(LOGITS[it - 2:it + 1]),
                'sakd/epoch_end_iter':
                it + 1,
                'step':
                epoch
            })
            lines.append({'accuracy/top1': 50.0, 'step': epoch})
    return lines


def test_moving_mean_by_hand():
    np.testing.assert_allclose(
        moving_mean(np.array([1, 0, 1, 1]), 2), [1.0, 0.5, 0.5, 1.0])
    np.testing.assert_allclose(
        moving_mean(np.array([1., 0., 1., 1.]), 3), [1.0, 0.5, 2 / 3, 2 / 3])
    np.testing.assert_allclose(
        moving_mean(np.array([0.2, 0.4]), 1), [0.2, 0.4])
    np.testing.assert_allclose(
        moving_mean(np.array([0.2, 0.4]), 10), [0.2, 0.3])


def test_main_writes_the_png(tmp_path, capsys):
    write_scalars(tmp_path, sakd_lines())
    written = main([str(tmp_path), '--window', '3'])
    png = tmp_path / 'plots' / 'spot_shares.png'
    assert written == [png]
    assert png.stat().st_size > 1000
    assert png.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
    assert str(png) in capsys.readouterr().out


def test_figure_data_match_the_log(tmp_path):
    write_scalars(tmp_path, sakd_lines())
    fig = share_figure(load_records(tmp_path), window=3)
    (ax, ) = fig.axes
    # per spot: the raw line, its moving mean, the epochs' points
    raw_f1, mean_f1, epochs_f1, raw_logits, mean_logits, epochs_logits = \
        ax.lines
    steps = [1, 2, 3, 4, 5, 6]
    for raw, mean, epochs, values in [(raw_f1, mean_f1, epochs_f1, F1),
                                      (raw_logits, mean_logits, epochs_logits,
                                       LOGITS)]:
        assert list(raw.get_xdata()) == steps
        np.testing.assert_allclose(raw.get_ydata(), 100 * np.array(values))
        assert list(mean.get_xdata()) == steps
        by_hand = [
            np.mean(values[max(0, i - 2):i + 1]) for i in range(len(values))
        ]
        np.testing.assert_allclose(mean.get_ydata(), 100 * np.array(by_hand))
        # at each epoch's last iteration (3 iterations per epoch)
        assert list(epochs.get_xdata()) == [3, 6]
        np.testing.assert_allclose(
            epochs.get_ydata(),
            [100 * np.mean(values[:3]), 100 * np.mean(values[3:])])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        'f1 (mean of 3 iterations)', 'logits (mean of 3 iterations)'
    ]


def test_out_dir_and_formats(tmp_path):
    write_scalars(tmp_path / 'run', sakd_lines())
    scalars = next((tmp_path / 'run').glob('*/vis_data/scalars.json'))
    written = main([
        str(scalars), '--out-dir',
        str(tmp_path / 'out'), '--formats', 'png', 'pdf'
    ])
    assert written == [
        tmp_path / 'out' / 'spot_shares.png',
        tmp_path / 'out' / 'spot_shares.pdf'
    ]
    assert all(file.stat().st_size > 1000 for file in written)


def test_no_sakd_scalars_is_an_error(tmp_path):
    write_scalars(tmp_path, [{
        'loss': 1.0,
        'step': 1
    }, {
        'accuracy/top1': 50.0,
        'step': 1
    }])
    with pytest.raises(SystemExit, match='no sakd/iter_share_'):
        main([str(tmp_path)])
    assert not (tmp_path / 'plots').exists()


def test_a_window_below_one_is_refused(tmp_path):
    write_scalars(tmp_path, sakd_lines())
    with pytest.raises(SystemExit):
        main([str(tmp_path), '--window', '0'])


def test_epoch_points_sit_at_each_epochs_logged_end():
    """Iterations logged every 2 of 3 per epoch, a run stopped in epoch 4:
    the epoch means sit where the hook says each epoch ended."""
    records = [{'sakd/iter_share_logits': 0.5, 'step': i}
               for i in (2, 4, 6, 8, 10)]
    records += [{'sakd/epoch_share_logits': 0.5, 'sakd/epoch_end_iter': 3 * e,
                 'step': e} for e in (1, 2, 3)]
    fig = share_figure(records, 2)
    assert list(fig.axes[0].lines[2].get_xdata()) == [3, 6, 9]
