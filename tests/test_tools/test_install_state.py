"""install.sh skips pip only while the checkout's install is current, with
the extras asked for: the demo's install lacks the test tools."""
import os
import shutil
import subprocess

import pytest

from tests.conftest import REPO
from tools import install_state


@pytest.fixture
def stamp(tmp_path, monkeypatch):
    path = tmp_path / 'stamp'
    monkeypatch.setattr(install_state, 'STAMP', path)
    return path


def test_current_after_write_until_an_input_changes(stamp, monkeypatch):
    # in the tests, ``import switokd_mm`` finds this checkout (pythonpath)
    assert 'changed since the last install' in \
        install_state.why_not_current()
    assert install_state.main(['--write']) == 0
    assert install_state.why_not_current() is None
    assert install_state.main([]) == 0
    monkeypatch.setattr(install_state, 'INSTALL_INPUTS',
                        install_state.INSTALL_INPUTS[:-1])
    assert install_state.main([]) == 1


def test_missing_requirement_and_other_checkout(stamp, monkeypatch):
    install_state.main(['--write'])
    real = install_state._installed
    monkeypatch.setattr(install_state, '_installed', lambda name: None
                        if name == 'grad-cam' else real(name))
    assert install_state.why_not_current() == \
        'grad-cam needed, not installed found'
    monkeypatch.setattr(install_state, '_installed', real)
    monkeypatch.setattr(install_state, 'ROOT', stamp.parent)
    assert 'import switokd_mm finds' in install_state.why_not_current()


def test_an_install_serves_the_extras_it_had(stamp):
    install_state.main(['--write'])  # the demo's: the package alone
    assert install_state.why_not_current(['tests']) == \
        'installed without the tests extra'
    assert install_state.main(['--extras', 'tests']) == 1
    install_state.main(['--write', '--extras', 'tests'])  # run_tests.sh's
    assert install_state.why_not_current(['tests']) is None
    assert install_state.why_not_current() is None  # the demo skips
    assert install_state.describe_current().endswith(
        '(extras: tests), up to date')


def test_the_package_alone_needs_no_test_tools(stamp, monkeypatch):
    install_state.main(['--write'])
    real = install_state._installed
    monkeypatch.setattr(install_state, '_installed', lambda name: None
                        if name == 'pytest' else real(name))
    assert install_state.why_not_current() is None
    assert install_state.why_not_current(['tests']) == \
        'pytest needed, not installed found'


@pytest.fixture
def fake_checkout(tmp_path):
    """tools/install.sh in a folder of its own, with a python that logs its
    arguments (install_state.py answers with $CURRENT) and apt-get, sudo
    that do nothing."""
    (tmp_path / 'tools').mkdir()
    shutil.copy(REPO / 'tools' / 'install.sh', tmp_path / 'tools')
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    scripts = {
        'python': '#!/bin/sh\necho "$@" >> "$LOG"\n'
        'case "$*" in *install_state.py*--write*) ;;\n'
        '  *install_state.py*) echo "state says $CURRENT"; exit "$CURRENT";;'
        '\nesac\n',
        'apt-get': '#!/bin/sh\n',
        'sudo': '#!/bin/sh\n',
    }
    for name, text in scripts.items():
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    return tmp_path


def run_install(folder, current: int, *args):
    """stdout of install.sh and the python calls it made."""
    log = folder / 'calls.log'
    log.write_text('')
    env = dict(
        os.environ,
        PATH=f'{folder / "bin"}:{os.environ["PATH"]}',
        PYTHON=str(folder / 'bin' / 'python'),
        LOG=str(log),
        CURRENT=str(current))
    out = subprocess.run(['bash', 'tools/install.sh', *args],
                         cwd=folder,
                         env=env,
                         capture_output=True,
                         text=True,
                         check=True).stdout
    return out, log.read_text().splitlines()


def test_install_sh_without_tests_installs_the_package_alone(fake_checkout):
    out, calls = run_install(fake_checkout, 1, '--without-tests')
    assert calls == [
        '-I tools/install_state.py --extras',
        '-m pip install -q --root-user-action=ignore -e .',
        '-I tools/install_state.py --write --extras',
    ]
    assert '[install] switokd_mm: state says 1;' in out
    assert '[install] switokd_mm: pip install -e "." (' in out


def test_install_sh_installs_the_test_tools_by_default(fake_checkout):
    out, calls = run_install(fake_checkout, 1)
    assert calls == [
        '-I tools/install_state.py --extras tests',
        '-m pip install -q --root-user-action=ignore -e .[tests]',
        '-I tools/install_state.py --write --extras tests',
    ]
    assert 'pip install -e ".[tests]" (' in out
    out, calls = run_install(fake_checkout, 0)
    assert calls == ['-I tools/install_state.py --extras tests']
    assert '[install] switokd_mm: state says 0\n' in out
