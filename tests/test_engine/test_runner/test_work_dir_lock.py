"""One run per work dir: the lock names its run, refuses a second one while
its run lives, and never blocks the next run once its run is dead."""
import datetime
import errno
import json
import os
import shlex
import socket
import subprocess
import sys

import pytest

from switokd_mm.engine.runner import work_dir_lock as lock_module
from switokd_mm.engine.runner.work_dir_lock import (LOCK_FILE,
                                                    WorkDirInUseError,
                                                    work_dir_lock)


def finished_pid() -> int:
    """The pid of a process that has ended."""
    process = subprocess.Popen(['true'])
    process.wait()
    return process.pid


def write_record(work_dir, pid, host=None):
    """A lock file as a run left it: its record, and no process holding
    its flock."""
    work_dir.mkdir(exist_ok=True)
    record = dict(
        pid=pid,
        host=host or socket.gethostname(),
        start='2024-05-01T10:00:00+00:00',
        command='tools/train.py CONFIG')
    (work_dir / LOCK_FILE).write_text(json.dumps(record))


def test_the_lock_names_its_run_and_is_removed_at_the_end(tmp_path):
    work_dir = tmp_path / 'run'
    with work_dir_lock(str(work_dir)) as path:
        record = json.loads(open(path).read())
        assert path == str(work_dir / LOCK_FILE)
        assert record['pid'] == os.getpid()
        assert record['host'] == socket.gethostname()
        assert datetime.datetime.fromisoformat(record['start']).tzinfo
        assert record['command'] == shlex.join(sys.argv)
    assert list(work_dir.iterdir()) == []


def test_the_lock_is_removed_when_the_run_fails(tmp_path):
    with pytest.raises(ZeroDivisionError):
        with work_dir_lock(str(tmp_path)):
            1 / 0
    assert list(tmp_path.iterdir()) == []


def lock_in_another_process(work_dir) -> subprocess.CompletedProcess:
    """Take and release the lock of ``work_dir`` in a new process."""
    return subprocess.run([
        sys.executable, '-c', 'import sys\n'
        'from switokd_mm.engine.runner.work_dir_lock import work_dir_lock\n'
        'with work_dir_lock(sys.argv[1]):\n'
        '    pass\n',
        str(work_dir)
    ],
                          capture_output=True,
                          text=True,
                          timeout=120)


def test_a_second_run_is_refused_naming_the_first(tmp_path):
    with work_dir_lock(str(tmp_path)) as path:
        held = open(path).read()
        second = lock_in_another_process(tmp_path)
        assert second.returncode != 0
        message = second.stderr
        assert 'WorkDirInUseError' in message
        assert f'pid {os.getpid()} on host {socket.gethostname()}' in message
        assert json.loads(held)['start'] in message
        assert 'another --work-dir' in message
        assert 'delete' not in message  # a live run's file must stay
        assert open(path).read() == held
        assert os.listdir(tmp_path) == [LOCK_FILE]
    assert lock_in_another_process(tmp_path).returncode == 0


def test_the_process_holding_the_lock_may_take_it_again(tmp_path):
    """tools/train.py holds the lock, then SafeRunner.train takes it: the
    inner block shares it, the outer one releases it."""
    with work_dir_lock(str(tmp_path)) as path:
        with work_dir_lock(str(tmp_path)) as again:
            assert again == path
        assert os.path.isfile(path)
        assert lock_in_another_process(tmp_path).returncode != 0
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    'pid', [finished_pid, os.getppid], ids=['dead', 'reused_by_another'])
def test_the_lock_file_of_a_killed_run_is_taken_over(tmp_path, pid):
    """``kill -9`` leaves the file and releases its flock: the next run
    takes it over, even when the pid in it runs again (another process)."""
    write_record(tmp_path, pid())
    with work_dir_lock(str(tmp_path)) as path:
        assert json.loads(open(path).read())['pid'] == os.getpid()


def test_a_lock_file_of_another_host_is_refused_saying_what_to_delete(
        tmp_path):
    write_record(tmp_path, finished_pid(), host='other-node')
    left = (tmp_path / LOCK_FILE).read_text()
    with pytest.raises(WorkDirInUseError) as refused:
        with work_dir_lock(str(tmp_path)):
            pytest.fail('a run of another host may still write there')
    message = str(refused.value)
    assert 'on host other-node' in message
    assert f'delete {tmp_path / LOCK_FILE}' in message
    assert (tmp_path / LOCK_FILE).read_text() == left


@pytest.mark.parametrize(
    'pid, refused', [(os.getppid, True), (finished_pid, False)],
    ids=['running', 'dead'])
def test_without_flock_a_running_pid_holds_the_work_dir(
        tmp_path, monkeypatch, pid, refused):

    def no_flock(fd, operation):
        raise OSError(errno.ENOLCK, 'No locks available')

    monkeypatch.setattr(lock_module.fcntl, 'flock', no_flock)
    write_record(tmp_path, pid())
    if refused:
        with pytest.raises(WorkDirInUseError, match=f'pid {os.getppid()} '):
            with work_dir_lock(str(tmp_path)):
                pass
    else:
        with work_dir_lock(str(tmp_path)) as path:
            assert json.loads(open(path).read())['pid'] == os.getpid()
