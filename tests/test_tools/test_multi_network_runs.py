"""A three-network (1T2S) run through tools/train.py on real data: per-pair
logs and plots, exact resume."""
import numpy as np
import pytest
import torch
from mmengine.runner.checkpoint import _load_checkpoint

from switokd_mm.utils import load_records
from tests.conftest import REPO, run_train
from tools.analysis.plot_switching import make_figures

CONFIG = str(REPO / 'tests' / 'fixtures' / 'tiny_1t2s_fashion_mnist.py')
PAIRS = ('wrn-r8w2', 'wrn-r8w4')


def run(work_dir, data_root, name, *extra):
    run_train(work_dir, data_root, name, *extra, config=CONFIG)


def pair_modes(work_dir):
    records = load_records(work_dir)
    return {
        pair: [
            r[f'switokd/{pair}/iter_expert'] for r in records
            if f'switokd/{pair}/iter_expert' in r
        ]
        for pair in PAIRS
    }


@pytest.fixture(scope='module')
def three_net_run(tmp_path_factory, fashion_mnist_root):
    work_dir = tmp_path_factory.mktemp('three')
    run(work_dir, fashion_mnist_root, 'three')
    return work_dir


def test_per_pair_logs_counters_and_plot(three_net_run):
    modes = pair_modes(three_net_run)
    assert all(len(m) == 24 for m in modes.values())
    state = _load_checkpoint(str(three_net_run / 'epoch_3.pth'))['state_dict']
    assert state['num_expert_iters'].tolist() == [sum(modes[p]) for p in PAIRS]
    records = load_records(three_net_run)
    fractions = [r for r in records if 'switokd/wrn-r8w2/expert_fraction' in r]
    assert len(fractions) == 3
    assert {'r8w2/accuracy/top1', 'r8w4/accuracy/top1',
            'wrn/accuracy/top1'} <= set().union(*records)
    fig = make_figures(records)['switching']
    bars = [ax for ax in fig.axes[1:] if ax.images]
    assert [ax.get_ylabel() for ax in bars] == list(PAIRS)
    np.testing.assert_array_equal(bars[0].images[0].get_array()[0],
                                  modes[PAIRS[0]])


def test_resume_continues_exactly(three_net_run, tmp_path, fashion_mnist_root):
    run(tmp_path, fashion_mnist_root, 'three_resumed', '--resume',
        str(three_net_run / 'epoch_1.pth'))
    straight, resumed = pair_modes(three_net_run), pair_modes(tmp_path)
    assert {p: m[8:] for p, m in straight.items()} == resumed
    a = _load_checkpoint(str(three_net_run / 'epoch_3.pth'))['state_dict']
    b = _load_checkpoint(str(tmp_path / 'epoch_3.pth'))['state_dict']
    for key, value in a.items():
        assert torch.allclose(value.float(), b[key].float(), atol=1e-6), key
