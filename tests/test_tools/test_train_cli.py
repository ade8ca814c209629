"""tools/train.py's small flags: --tensorboard, a resumed run with nothing
left to train, what a CPU run logs."""
import shutil

from mmengine.config import Config

from switokd_mm.apis import cli
from tests.conftest import CONFIG, run_train
from tools import train as train_tool


def test_tensorboard_flag_adds_the_backend_once():
    cfg = train_tool.merge_args(
        Config(dict(visualizer=dict(vis_backends=[dict(type='L')]))),
        train_tool.parse_args([CONFIG, '--tensorboard']))
    cli.enable_tensorboard(cfg)
    assert [b['type'] for b in cfg.visualizer.vis_backends
            ] == ['L', 'TensorboardVisBackend']


def test_cpu_run_logs_gloo(tmp_path):
    args = train_tool.parse_args([CONFIG, '--work-dir', str(tmp_path)])
    cfg = cli.load_config(args)
    assert cfg.env_cfg.dist_cfg.backend == 'gloo'


def test_resuming_a_finished_run_says_so(straight_run, fashion_mnist_root,
                                         tmp_path):
    work_dir = tmp_path / 'finished'
    shutil.copytree(straight_run, work_dir)
    run_train(work_dir, fashion_mnist_root, 'again', '--resume')
    (log, ) = [
        p for p in work_dir.glob('*/*.log')
        if 'Nothing to train' in p.read_text()
    ]
    assert 'iteration 24 (epoch 3)' in log.read_text()
    assert 'No CUDA: 1 CPU process(es)' in log.read_text()
