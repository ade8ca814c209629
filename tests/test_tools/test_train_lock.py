"""tools/train.py holds its work dir: a second run there is refused before
it writes anything, and a killed run's lock does not block ``--resume``."""
import json
import os
import signal
import subprocess
import sys

import pytest
from mmengine.runner.checkpoint import _load_checkpoint

from switokd_mm.engine.runner.work_dir_lock import LOCK_FILE, work_dir_lock
from tests.conftest import CONFIG, REPO, data_root_options, run_train

AUGMENTED = str(REPO / 'tests' / 'fixtures' /
                'tiny_switokd_augmented_fashion_mnist.py')


def train(config, work_dir, data_root, *extra, env=None):
    """tools/train.py in a subprocess; its result."""
    return subprocess.run([
        sys.executable, 'tools/train.py', config, '--work-dir',
        str(work_dir), *extra, '--cfg-options',
        *data_root_options(data_root)
    ],
                          cwd=REPO,
                          env=dict(os.environ, PYTHONPATH=str(REPO), **env
                                   or {}),
                          capture_output=True,
                          text=True,
                          timeout=600)


def test_a_second_run_on_a_work_dir_in_use_is_refused_before_writing(
        tmp_path, fashion_mnist_root):
    with work_dir_lock(str(tmp_path)):
        second = train(CONFIG, tmp_path, fashion_mnist_root, '--resume')
        assert os.listdir(tmp_path) == [LOCK_FILE]
    assert second.returncode != 0
    assert 'WorkDirInUseError' in second.stderr, second.stderr[-3000:]
    assert f'pid {os.getpid()} on host' in second.stderr


def test_resume_takes_over_the_lock_of_a_killed_run(tmp_path,
                                                    fashion_mnist_root):
    killed = train(
        AUGMENTED, tmp_path, fashion_mnist_root, env=dict(KILL_AT_ITER='4'))
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
    # the killed run's record, with no process holding the file any more
    assert str(tmp_path) in json.loads(
        (tmp_path / LOCK_FILE).read_text())['command']
    run_train(
        tmp_path,
        fashion_mnist_root,
        'resumed',
        '--resume',
        '--cfg-options',
        'train_cfg.max_epochs=1',
        config=AUGMENTED)
    assert not (tmp_path / LOCK_FILE).exists()
    logs = [log.read_text() for log in tmp_path.glob('*/*.log')]
    assert any('resumed epoch: 0, iter: 3' in log for log in logs)
    assert _load_checkpoint(str(tmp_path / 'iter_8.pth'))['meta']['iter'] == 8


def test_a_runner_built_from_the_config_holds_the_lock_too(
        tmp_path, fashion_mnist_root):
    """mmpretrain's tools/train.py builds the runner with RUNNERS.build:
    SafeRunner.train takes the lock itself."""
    from mmengine.config import Config
    from mmengine.registry import RUNNERS

    from switokd_mm.engine.runner.work_dir_lock import WorkDirInUseError
    holder = subprocess.Popen([
        sys.executable, '-c',
        'import sys, time\n'
        'from switokd_mm.engine.runner.work_dir_lock import work_dir_lock\n'
        f'with work_dir_lock({str(tmp_path)!r}):\n'
        '    print("held", flush=True)\n'
        '    time.sleep(60)\n'
    ],
                              cwd=REPO,
                              stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == 'held'
        cfg = Config.fromfile(CONFIG)
        cfg.work_dir = str(tmp_path)
        cfg.merge_from_dict(
            dict(option.split('=')
                 for option in data_root_options(fashion_mnist_root)))
        runner = RUNNERS.build(cfg)
        with pytest.raises(WorkDirInUseError, match=f'pid {holder.pid} '):
            runner.train()
        assert not list(tmp_path.glob('*.pth'))
    finally:
        holder.kill()
        holder.wait()
