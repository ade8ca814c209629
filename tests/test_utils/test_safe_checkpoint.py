"""Loading never unpickles arbitrary objects."""
import os

import pytest
import torch
from mmengine.runner.checkpoint import _load_checkpoint

from switokd_mm.utils import UnsafeCheckpointError, load_local_checkpoint


class Payload:
    """Pickles to a call of os.system that would create a marker file."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f'touch {self.marker}', ))


def test_malicious_checkpoint_is_refused(tmp_path):
    marker = tmp_path / 'pwned'
    path = tmp_path / 'evil.pth'
    torch.save({'state_dict': {}, 'meta': Payload(marker)}, path)
    # through mmengine's loader (what resume, load_from and init_cfg use)
    with pytest.raises(UnsafeCheckpointError, match='Refusing to load'):
        _load_checkpoint(str(path))
    with pytest.raises(UnsafeCheckpointError):
        load_local_checkpoint(str(path))
    assert not marker.exists()


def test_allow_list_is_scoped_to_the_loader(tmp_path):
    from mmengine.logging import HistoryBuffer
    buffer = HistoryBuffer()
    buffer.update(1.5)
    path = tmp_path / 'hub.pth'
    torch.save({'meta': {'buffer': buffer}}, path)
    loaded = _load_checkpoint(str(path))
    assert loaded['meta']['buffer'].current() == 1.5
    # torch's own global allow-list was not widened
    with pytest.raises(Exception, match='HistoryBuffer'):
        torch.load(path, weights_only=True)


def test_missing_checkpoint(tmp_path):
    with pytest.raises(FileNotFoundError, match='can not be found'):
        _load_checkpoint(str(tmp_path / 'none.pth'))


class Reach:
    """Pickles to getattr(<something>, name): what a crafted file would use
    to reach attributes beyond HistoryBuffer's statistics methods."""

    def __init__(self, owner, name):
        self.owner, self.name = owner, name

    def __reduce__(self):
        return (getattr, (self.owner, self.name))


@pytest.mark.parametrize('name', ['__init__', 'mean'])
def test_getattr_only_reaches_history_buffer_statistics(tmp_path, name):
    """``__init__`` is refused; ``mean`` (a statistics method) is the control
    case that a real mmengine checkpoint needs."""
    from mmengine.logging import HistoryBuffer
    path = tmp_path / 'reach.pth'
    torch.save({'x': Reach(HistoryBuffer, name)}, path)
    if name == 'mean':
        assert _load_checkpoint(str(path))['x'] is HistoryBuffer.mean
    else:
        with pytest.raises(UnsafeCheckpointError, match='only'):
            _load_checkpoint(str(path))
