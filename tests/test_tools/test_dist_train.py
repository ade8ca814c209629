"""Two gloo processes on the CPU through tools/dist_train.sh: every rank
decides alike, stays identical, and matches one process with the global
batch; a paused teacher stays bit-identical on every rank."""
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from switokd_mm.utils import load_checkpoint_file
from tests.conftest import data_root_options

ROOT = Path(__file__).parents[2]
CONFIG = 'tests/fixtures/tiny_linear_switokd_fashion_mnist.py'


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def launch(command, work_dir, data_root, *options):
    """Run a training command in a subprocess; fail with its output."""
    env = dict(
        os.environ,
        PORT=str(free_port()),
        PYTHON=sys.executable,
        PYTHONPATH=str(ROOT))
    result = subprocess.run([
        *command, '--work-dir',
        str(work_dir), '--cfg-options', *data_root_options(data_root), *options
    ],
                            cwd=ROOT,
                            env=env,
                            capture_output=True,
                            text=True,
                            timeout=600)
    output = result.stdout[-3000:] + result.stderr[-3000:]
    assert result.returncode == 0, output


def rank_records(work_dir, world_size):
    return [
        load_checkpoint_file(str(Path(work_dir) / f'rank{rank}.pth'))
        for rank in range(world_size)
    ]


@pytest.fixture(scope='module')
def two_process_dir(tmp_path_factory, fashion_mnist_root):
    work_dir = tmp_path_factory.mktemp('dist2')
    launch(['bash', 'tools/dist_train.sh', CONFIG, '2'], work_dir,
           fashion_mnist_root, 'train_dataloader.batch_size=16')
    return work_dir


@pytest.fixture(scope='module')
def two_process_run(two_process_dir):
    return rank_records(two_process_dir, 2)


def test_checkpoints_hold_the_random_state_of_every_rank(two_process_dir):
    checkpoint = load_checkpoint_file(str(two_process_dir / 'epoch_2.pth'))
    states = checkpoint['random_state']
    assert len(states) == 2
    assert all(isinstance(state['torch'], torch.Tensor) for state in states)


def test_ranks_take_the_same_modes_and_stay_identical(two_process_run):
    rank0, rank1 = two_process_run
    assert rank0['modes'] == rank1['modes']
    modes = [m['switokd/expert'] for m in rank0['modes']]
    assert 0 < sum(modes) < len(modes), 'the fixture should hold both modes'
    for key, value in rank0['state_dict'].items():
        assert torch.equal(value, rank1['state_dict'][key]), key


def test_two_ranks_resume_exactly(two_process_dir, two_process_run,
                                  tmp_path, fashion_mnist_root):
    """Two ranks trained one epoch, then resumed to two, end where the
    uninterrupted two-rank run ends, with the same second-epoch modes."""
    command = ['bash', 'tools/dist_train.sh', CONFIG, '2']
    launch(command, tmp_path, fashion_mnist_root,
           'train_dataloader.batch_size=16', 'train_cfg.max_epochs=1')
    launch([*command, '--resume'], tmp_path, fashion_mnist_root,
           'train_dataloader.batch_size=16')
    resumed = rank_records(tmp_path, 2)
    for rank, record in enumerate(resumed):
        full = two_process_run[rank]
        second_epoch = full['modes'][-len(record['modes']):]
        assert record['modes'] == second_epoch
        for key, value in full['state_dict'].items():
            assert torch.equal(record['state_dict'][key], value), (rank, key)


def test_two_processes_equal_one_with_the_global_batch(two_process_run,
                                                       tmp_path,
                                                       fashion_mnist_root):
    launch([sys.executable, 'tools/train.py', CONFIG], tmp_path,
           fashion_mnist_root, 'train_dataloader.batch_size=32')
    (single, ) = rank_records(tmp_path, 1)
    assert single['modes'] == two_process_run[0]['modes']
    for key, value in single['state_dict'].items():
        assert torch.allclose(
            value.float(),
            two_process_run[0]['state_dict'][key].float(),
            atol=1e-5), key


def test_paused_teacher_is_bit_identical_on_every_rank(tmp_path,
                                                       fashion_mnist_root):
    # delta = 0 without the dt < ds clause: every iteration is expert mode
    launch(['bash', 'tools/dist_train.sh', CONFIG, '2'], tmp_path,
           fashion_mnist_root, 'train_dataloader.batch_size=16',
           'train_cfg.max_epochs=1', 'model.threshold.delta=0.0',
           'model.require_teacher_ahead=False')
    records = rank_records(tmp_path, 2)
    for record in records:
        assert {m['switokd/expert'] for m in record['modes']} == {1.0}
        for key, start in record['at_start'].items():
            unchanged = torch.equal(record['state_dict'][key], start)
            if key.startswith('teacher.'):
                assert unchanged, key
            elif key.startswith('student.') and key.endswith('weight'):
                assert not unchanged, key


def test_ranks_stay_identical_whatever_the_users_hooks(
        tmp_path, fashion_mnist_root):
    """Each rank normalises its own batches; the config's custom_hooks hold
    none of the plugin's hooks, and DDP alone keeps parameters and
    BatchNorm buffers identical."""
    launch([
        'bash', 'tools/dist_train.sh',
        'tests/fixtures/tiny_cnn_recorded_fashion_mnist.py', '2'
    ], tmp_path, fashion_mnist_root)
    rank0, rank1 = rank_records(tmp_path, 2)
    running = [k for k in rank0['state_dict'] if 'running_' in k]
    assert any(k.startswith('teacher.') for k in running)
    assert rank0['state_dict'].keys() == rank1['state_dict'].keys()
    for key, value in rank0['state_dict'].items():
        assert torch.equal(value, rank1['state_dict'][key]), key


def test_bfloat16_autocast_runs_on_two_ranks(tmp_path, fashion_mnist_root):
    launch(['bash', 'tools/dist_train.sh', CONFIG, '2', '--amp'], tmp_path,
           fashion_mnist_root, 'train_dataloader.batch_size=16',
           'train_cfg.max_epochs=1')
    rank0, rank1 = rank_records(tmp_path, 2)
    assert rank0['modes'] == rank1['modes']
    for key, value in rank0['state_dict'].items():
        assert torch.equal(value, rank1['state_dict'][key]), key
        if key.startswith('student.') and key.endswith('weight'):
            assert not torch.equal(value, rank0['at_start'][key]), key


def test_three_networks_take_the_same_per_pair_decisions(
        tmp_path, fashion_mnist_root):
    launch([
        'bash', 'tools/dist_train.sh',
        'tests/fixtures/tiny_1t2s_fashion_mnist.py', '2'
    ], tmp_path, fashion_mnist_root, 'train_dataloader.batch_size=16',
           'train_cfg.max_epochs=1')
    rank0, rank1 = rank_records(tmp_path, 2)
    assert rank0['modes'] == rank1['modes']
    assert set(rank0['modes'][0]) == {
        'switokd/wrn-r8w2/expert', 'switokd/wrn-r8w4/expert'
    }
    for key, value in rank0['state_dict'].items():
        assert torch.equal(value, rank1['state_dict'][key]), key
