"""install.sh skips pip only while the checkout's install is current."""
import pytest

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
