"""Loading never unpickles arbitrary objects."""
import os

import pytest
import torch
from mmengine.runner.checkpoint import _load_checkpoint

from switokd_mm.utils import (UnsafeCheckpointError, enable_safe_checkpoints,
                              load_local_checkpoint)


@pytest.fixture(autouse=True)
def safe_checkpoints():
    """What SafeRunner and the tools switch on."""
    enable_safe_checkpoints()


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


def test_numpy_1x_checkpoint_loads(tmp_path):
    """A file written under numpy 1.x names numpy's reconstructors
    ``numpy.core.multiarray.*``: rewrite a numpy 2 file that way (same
    bytes otherwise) and load it."""
    import zipfile

    import numpy as np
    from mmengine.logging import HistoryBuffer
    buffer = HistoryBuffer()
    buffer.update(np.float64(2.5))
    path, old = tmp_path / 'np2.pth', tmp_path / 'np1.pth'
    torch.save({'meta': {'buffer': buffer, 'array': np.arange(3.)}}, path)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(old, 'w') as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.endswith('data.pkl'):
                assert b'numpy._core.multiarray' in data
                data = data.replace(b'numpy._core.multiarray',
                                    b'numpy.core.multiarray')
            dst.writestr(item, data)
    loaded = _load_checkpoint(str(old))
    assert loaded['meta']['buffer'].current() == 2.5
    assert np.array_equal(loaded['meta']['array'], np.arange(3.))
    # without the numpy 1.x names the same file is refused
    from switokd_mm.utils import allowed_checkpoint_globals
    numpy2_only = [
        g for g in allowed_checkpoint_globals()
        if not (isinstance(g, tuple) and g[1].startswith('numpy.core'))
    ]
    with torch.serialization.safe_globals(numpy2_only), pytest.raises(
            Exception, match='numpy.core.multiarray'):
        torch.load(old, weights_only=True)
