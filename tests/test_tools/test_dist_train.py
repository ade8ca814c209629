"""Two gloo processes on the CPU through tools/dist_train.sh: every rank
decides alike, stays identical, and matches one process with the global
batch; a paused teacher stays bit-identical on every rank."""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from switokd_mm.checkpoint import load_checkpoint_file
from switokd_mm.engine.runner.work_dir_lock import LOCK_FILE, work_dir_lock
from switokd_mm.utils import load_records
from tests.conftest import data_root_options

ROOT = Path(__file__).parents[2]
CONFIG = 'tests/fixtures/tiny_linear_switokd_fashion_mnist.py'


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def launch_env() -> dict:
    """The environment of a launch: a free port, this Python."""
    return dict(
        os.environ,
        PORT=str(free_port()),
        PYTHON=sys.executable,
        PYTHONPATH=str(ROOT))


def launch(command, work_dir, data_root, *options):
    """Run a training or test command in a subprocess; fail with its
    output, else return its standard output."""
    result = subprocess.run([
        *command, '--work-dir',
        str(work_dir), '--cfg-options', *data_root_options(data_root), *options
    ],
                            cwd=ROOT,
                            env=launch_env(),
                            capture_output=True,
                            text=True,
                            timeout=600)
    output = result.stdout[-3000:] + result.stderr[-3000:]
    assert result.returncode == 0, output
    return result.stdout


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


def test_ranks_keep_config_term_connectors_identical(
        tmp_path, fashion_mnist_root):
    """A FitNet term's connector belongs to the student's DDP: its
    gradients are averaged like the student's own."""
    launch([
        'bash', 'tools/dist_train.sh',
        'tests/fixtures/tiny_cnn_fitnet_recorded_fashion_mnist.py', '2'
    ], tmp_path, fashion_mnist_root)
    rank0, rank1 = rank_records(tmp_path, 2)
    connector = 'student.distill_connectors.fitnet_teacher.conv.weight'
    assert not torch.equal(rank0['state_dict'][connector],
                           rank0['at_start'][connector])
    for key, value in rank0['state_dict'].items():
        assert torch.equal(value, rank1['state_dict'][key]), key


def test_offline_kd_with_a_config_term_on_two_ranks(tmp_path,
                                                    fashion_mnist_root):
    """Offline KD + an AT term: the frozen teacher stays as loaded, the
    student learns identically on both ranks."""
    from mmengine.config import Config
    from mmpretrain.registry import MODELS
    config = 'tests/fixtures/tiny_offline_kd_at_recorded_fashion_mnist.py'
    torch.manual_seed(0)
    teacher = MODELS.build(Config.fromfile(config).model.teacher)
    torch.save(dict(state_dict=teacher.state_dict()), tmp_path / 't.pth')
    launch(['bash', 'tools/dist_train.sh', config, '2'], tmp_path / 'run',
           fashion_mnist_root, f"model.teacher_ckpt={tmp_path / 't.pth'}")
    rank0, rank1 = rank_records(tmp_path / 'run', 2)
    for key, value in rank0['state_dict'].items():
        assert torch.equal(value, rank1['state_dict'][key]), key
        if key.startswith('teacher.'):
            assert torch.equal(value, teacher.state_dict()[key[8:]]), key
    assert any(not torch.equal(value, rank0['at_start'][key])
               for key, value in rank0['state_dict'].items()
               if key.startswith('student.') and key.endswith('weight'))


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
    # tools/dist_test.sh: one row per network of the multi-network model
    printed = launch([
        'bash', 'tools/dist_test.sh',
        'tests/fixtures/tiny_1t2s_fashion_mnist.py',
        str(tmp_path / 'epoch_1.pth'), '2'
    ], tmp_path / 'test', fashion_mnist_root)
    rows = [line.split('\t') for line in printed.splitlines() if '\t' in line]
    assert [row[0] for row in rows] == [
        'Student r8w2', 'Student r8w4', 'Teacher wrn'
    ], printed


def test_dist_test_writes_its_metrics_file(two_process_dir, tmp_path,
                                           fashion_mnist_root):
    """tools/dist_test.sh on 2 processes: rank 0 writes --out and prints
    the paper rows of the unwrapped networks."""
    out = tmp_path / 'metrics.json'
    printed = launch([
        'bash', 'tools/dist_test.sh', CONFIG,
        str(two_process_dir / 'epoch_2.pth'), '2', '--out',
        str(out)
    ], tmp_path / 'test', fashion_mnist_root)
    metrics = json.loads(out.read_text())
    assert f"Student\tFlattenBackbone(0.01M)\t" \
        f"{metrics['student/accuracy/top1']:.2f}" in printed


def test_a_second_distributed_run_is_refused_before_writing(
        tmp_path, fashion_mnist_root):
    """Rank 0 finds the work dir in use; no rank writes into it."""
    with work_dir_lock(str(tmp_path)):
        second = subprocess.run([
            'bash', 'tools/dist_train.sh', CONFIG, '2', '--work-dir',
            str(tmp_path), '--cfg-options',
            *data_root_options(fashion_mnist_root)
        ],
                                cwd=ROOT,
                                env=launch_env(),
                                capture_output=True,
                                text=True,
                                timeout=600)
        assert os.listdir(tmp_path) == [LOCK_FILE]
    assert second.returncode != 0
    assert f'in use by another training run (pid {os.getpid()} ' in \
        second.stderr, second.stderr[-3000:]


def child_pids(pid: int) -> list:
    """The processes whose parent is ``pid`` (Linux /proc)."""
    children = []
    for stat in Path('/proc').glob('[0-9]*/stat'):
        try:
            # "pid (command) state ppid ...": the command may hold spaces
            fields = stat.read_text().rsplit(')', 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def is_running(pid: int) -> bool:
    """Whether ``pid`` runs (an ended, unreaped process does not)."""
    try:
        state = Path(f'/proc/{pid}/stat').read_text().rsplit(')', 1)[1]
    except OSError:
        return False
    return state.split()[0] not in ('Z', 'X')


def wait_until(condition, timeout: float) -> bool:
    """Poll ``condition`` for at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


@pytest.mark.skipif(
    not Path('/proc/self/stat').exists(), reason='reads Linux /proc')
def test_workers_exit_when_the_launcher_is_killed(tmp_path,
                                                  fashion_mnist_root):
    """``kill -9`` of tools/dist_train.sh (the torchrun agent, which starts
    its workers in a session of their own): the workers end too, instead
    of training on in the work dir."""
    work_dir = tmp_path / 'run'
    command = [
        'bash', 'tools/dist_train.sh', CONFIG, '2', '--work-dir',
        str(work_dir), '--cfg-options', *data_root_options(fashion_mnist_root),
        'train_dataloader.batch_size=16', 'train_cfg.max_epochs=1000'
    ]
    with open(tmp_path / 'output.txt', 'w') as output:
        launcher = subprocess.Popen(
            command,
            cwd=ROOT,
            env=launch_env(),
            stdout=output,
            stderr=subprocess.STDOUT)
    workers = []
    try:
        assert wait_until(
            lambda: (work_dir / 'epoch_1.pth').exists() or launcher.poll()
            is not None, 300), 'no epoch trained in 300 s'
        assert launcher.poll() is None, \
            (tmp_path / 'output.txt').read_text()[-3000:]
        workers = child_pids(launcher.pid)
        assert len(workers) == 2
        launcher.kill()
        launcher.wait()
        assert wait_until(lambda: not any(map(is_running, workers)), 30), \
            'workers still train 30 s after their launcher was killed'
    finally:
        launcher.kill()
        for pid in filter(is_running, workers):
            os.kill(pid, signal.SIGKILL)


def test_ten_distillers_keep_ranks_equal_and_crd_memories_whole(
        tmp_path, fashion_mnist_root):
    """Each rank sees half the samples; CRD writes every rank's samples
    into its memories (they are not broadcast by DDP), so after one epoch
    both ranks hold the same memories with all 256 rows written."""
    from tests.test_tools.test_feature_distiller_runs import frozen_parts
    options, _ = frozen_parts(tmp_path)
    launch([
        'bash', 'tools/dist_train.sh',
        'tests/fixtures/tiny_offline_kd_ten_losses_recorded_fashion_mnist.py',
        '2'
    ], tmp_path / 'run', fashion_mnist_root, *options)
    rank0, rank1 = rank_records(tmp_path / 'run', 2)
    for key, value in rank0['state_dict'].items():
        assert torch.equal(value, rank1['state_dict'][key]), key
    memory = 'student.distill_losses.crd.memory_student'
    written = (rank0['state_dict'][memory] !=
               rank0['at_start'][memory]).any(1)
    assert int(written.sum()) == 256


def test_ffsd_learners_are_equal_on_two_ranks(tmp_path, fashion_mnist_root):
    """Leader, students, fusion module and decoders each have their own
    DDP: after two epochs every parameter is equal on both ranks, and each
    learner moved. BatchNorm statistics are equal for the classifiers
    (validation's forward syncs them); the fusion module's and the
    decoders' last training forward updated each rank's own, which DDP
    replaces by rank 0's before their next forward (checkpoints hold rank
    0's)."""
    launch([
        'bash', 'tools/dist_train.sh',
        'tests/fixtures/tiny_ffsd_recorded_fashion_mnist.py', '2'
    ], tmp_path, fashion_mnist_root)
    rank0, rank1 = rank_records(tmp_path, 2)
    for key, value in rank0['state_dict'].items():
        local = key.startswith(('fusion.', 'decoder_')) and (
            'running_' in key or 'num_batches' in key)
        assert local or torch.equal(value, rank1['state_dict'][key]), key
    for learner in ('leader', 'student0', 'student1', 'fusion',
                    'decoder_student1', 'decoder_leader'):
        assert any(not torch.equal(value, rank0['at_start'][key])
                   for key, value in rank0['state_dict'].items()
                   if key.startswith(f'{learner}.')), learner


def logged_shares(work_dir, rank: int) -> list:
    """The shares logged in rank ``rank``'s own log file (``log_level=DEBUG``
    writes one per rank): those of each log line (window means) and each
    line of SpotShareLoggerHook's epoch means."""
    (log, ) = Path(work_dir).glob(f'*/*_rank{rank}.log')
    logged = []
    for line in log.read_text().splitlines():
        if 'SAKD epoch' in line:
            logged.append(line.split(' - INFO - ')[-1])
        elif 'sakd/share_' in line:
            logged.append(re.findall(r'sakd/share_\w+: \S+', line))
    return logged


def test_sakd_learners_are_equal_on_two_ranks(tmp_path, fashion_mnist_root):
    """SAKD (AT spots, mixed start) on two ranks: student and policy each
    have their own DDP; the policy's graft forward runs the student
    without its own gradients. After two epochs every parameter of both is
    equal on both ranks and moved (the policy's adapters' BatchNorm
    statistics are each rank's own after its last training forward, as
    FFSD's fusion module's), the teacher is the loaded one, and both ranks
    log the same shares, those of the global batch (averaged over the
    ranks: multiples of 1/32 with 16 samples per rank, some odd)."""
    from tests.test_tools.test_sakd_runs import SPOTS, tiny_sakd_config
    config, teacher = tiny_sakd_config(tmp_path, 'RankRecorderHook')
    launch(['bash', 'tools/dist_train.sh', config, '2'], tmp_path / 'run',
           fashion_mnist_root, 'train_dataloader.batch_size=16',
           'log_level=DEBUG')
    rank0, rank1 = rank_records(tmp_path / 'run', 2)
    assert rank0['state_dict'].keys() == rank1['state_dict'].keys()
    for key, value in rank0['state_dict'].items():
        if key.startswith('teacher.'):
            assert torch.equal(value, teacher[key[len('teacher.'):]]), key
        local = key.startswith('policy.') and 'running_' in key
        assert local or torch.equal(value, rank1['state_dict'][key]), key
    for learner in ('student', 'policy'):
        assert any(not torch.equal(value, rank0['at_start'][key])
                   for key, value in rank0['state_dict'].items()
                   if key.startswith(f'{learner}.')
                   and key.endswith('weight')), learner

    shares = [
        record[f'sakd/iter_share_{spot}']
        for record in load_records(tmp_path / 'run') for spot in SPOTS
        if f'sakd/iter_share_{spot}' in record
    ]
    assert len(shares) == 16 * len(SPOTS)
    assert all(32 * share == int(32 * share) for share in shares)
    assert any(int(32 * share) % 2 for share in shares)
    logged = [logged_shares(tmp_path / 'run', rank) for rank in (0, 1)]
    # per epoch: a log line every 4 of its 8 iterations, then its means
    assert [type(entry) for entry in logged[0]] == [list, list, str] * 2
    assert all(
        len(entry) == len(SPOTS) for entry in logged[0]
        if isinstance(entry, list))
    assert logged[0] == logged[1]
