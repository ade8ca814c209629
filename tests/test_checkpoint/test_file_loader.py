"""Loading never unpickles arbitrary objects, nor loads damaged bytes."""
import os
import random
import re
import zipfile

import pytest
import torch
from mmengine.runner.checkpoint import _load_checkpoint

from switokd_mm.checkpoint import (CorruptCheckpointError,
                                   UnsafeCheckpointError,
                                   enable_safe_checkpoints,
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
    from switokd_mm.checkpoint import allowed_checkpoint_globals
    numpy2_only = [
        g for g in allowed_checkpoint_globals()
        if not (isinstance(g, tuple) and g[1].startswith('numpy.core'))
    ]
    with torch.serialization.safe_globals(numpy2_only), pytest.raises(
            Exception, match='numpy.core.multiarray'):
        torch.load(old, weights_only=True)


def with_a_flipped_bit(saved, weight):
    """``saved`` (torch.save's bytes) with one bit flipped inside the bytes
    of the tensor ``weight``."""
    data = bytearray(saved)
    data[data.index(weight.numpy().tobytes()) + 100] ^= 0x01
    return bytes(data)


def test_bit_rot_inside_a_tensor_is_refused(tmp_path):
    """One flipped bit in a tensor's bytes, which torch alone loads as a
    wrong weight: the loader names the file and the damaged entry."""
    path = tmp_path / 'epoch_1.pth'
    weight = torch.arange(1000.)
    torch.save({'state_dict': {'weight': weight}}, path)
    path.write_bytes(with_a_flipped_bit(path.read_bytes(), weight))
    rotten = torch.load(path, weights_only=True)['state_dict']['weight']
    assert not torch.equal(rotten, weight)
    with pytest.raises(
            CorruptCheckpointError,
            match=f"{re.escape(str(path))} is corrupt: its entry "
            f"'epoch_1/data/0'"):
        _load_checkpoint(str(path))


def zip_without_a_pickle(path):
    """A valid zip archive that is not a torch checkpoint."""
    with zipfile.ZipFile(path, 'w') as archive:
        archive.writestr('notes/readme.txt', 'not weights')


@pytest.mark.parametrize(
    'damage', [
        lambda path, saved: path.write_bytes(b''),
        lambda path, saved: path.write_bytes(saved[:len(saved) // 2]),
        lambda path, saved: path.write_bytes(random.Random(0).randbytes(4096)),
        lambda path, saved: zip_without_a_pickle(path),
    ],
    ids=['empty', 'truncated', 'random', 'foreign_zip'])
def test_damaged_or_foreign_file_is_named_as_such(tmp_path, damage):
    """Before: EOFError with no message, torch's zip reader error without
    the file name, or random bytes reported as a disallowed object."""
    path = tmp_path / 'epoch_1.pth'
    torch.save({'state_dict': {'weight': torch.arange(1000.)}}, path)
    damage(path, path.read_bytes())
    with pytest.raises(
            CorruptCheckpointError,
            match=f'{re.escape(str(path))} is corrupt or not a checkpoint'):
        _load_checkpoint(str(path))


def test_legacy_format_loads_and_stays_weights_only(tmp_path):
    """torch's pre-1.6 format (no checksums, used by old pretrained
    weights) is still read by the weights-only unpickler: a plain file
    loads, a payload is refused."""
    marker = tmp_path / 'pwned'
    plain, evil = tmp_path / 'legacy.pth', tmp_path / 'legacy_evil.pth'
    torch.save({'weight': torch.ones(3)},
               plain,
               _use_new_zipfile_serialization=False)
    torch.save({'meta': Payload(marker)},
               evil,
               _use_new_zipfile_serialization=False)
    assert torch.equal(_load_checkpoint(str(plain))['weight'], torch.ones(3))
    with pytest.raises(UnsafeCheckpointError, match='Refusing to load'):
        _load_checkpoint(str(evil))
    assert not marker.exists()
