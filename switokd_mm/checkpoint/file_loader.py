"""Checkpoint loading that never unpickles arbitrary objects.

torch >= 2.6 loads with ``weights_only=True``: only tensors, containers and
allow-listed classes are rebuilt. An mmengine 0.10 resume checkpoint also
holds the MessageHub's ``HistoryBuffer`` objects and the numpy arrays and
scalars inside them, so plain loading refuses it. :func:`load_checkpoint_file`
allow-lists exactly those types for the duration of one load (nothing is
added to torch's global allow-list) and still refuses anything else. Files
written under numpy 1.x name numpy's reconstructors ``numpy.core.*`` instead
of ``numpy._core.*``; the allow-list maps those names to the same functions
(no module is imported by name, nothing else is reachable).

Before unpickling, :func:`verify_checkpoint_file` checks the bytes:
``torch.save`` writes a zip archive with a CRC-32 per entry, and torch does
not check them, so a flipped bit inside a tensor would load as a wrong
weight. Files in torch's legacy format (torch < 1.6, not a zip archive;
nothing in switokd_mm writes it, but old pretrained weights on model zoos
use it) carry no checksums and load unverified.
"""
import os.path as osp
import pickle
import zipfile
from contextlib import contextmanager
from typing import IO, Any, Iterator, List, Optional, Union

import numpy as np
import torch
from mmengine.logging import HistoryBuffer


class UnsafeCheckpointError(pickle.UnpicklingError):
    """A checkpoint holds objects outside the allow-list."""


class CorruptCheckpointError(ValueError):
    """A checkpoint's bytes are damaged, or the file is no checkpoint."""


#: every zip archive torch.save writes starts with a local file header
ZIP_SIGNATURE = b'PK\x03\x04'
#: a legacy-format file starts with torch's magic number, pickled (opcode
#: LONG1, 10 bytes, little-endian) after the protocol header
LEGACY_SIGNATURE = b'\x8a\n' + torch.serialization.MAGIC_NUMBER.to_bytes(
    10, 'little')
#: bytes read to tell the formats apart (protocol 4+ adds a frame header)
HEADER_SIZE = 32

#: HistoryBuffer's built-in statistics; mmengine pickles each of them as
#: ``getattr(HistoryBuffer, name)``.
HISTORY_BUFFER_STATISTICS = ('min', 'max', 'current', 'mean')


def _history_buffer_statistic(owner: Any, name: str) -> Any:
    """Stand-in for ``builtins.getattr`` while unpickling.

    A real ``getattr`` would let a crafted file reach any attribute (and so
    plant arbitrary callables in HistoryBuffer's method registry); this one
    resolves only HistoryBuffer's built-in statistics methods.
    """
    if owner is HistoryBuffer and name in HISTORY_BUFFER_STATISTICS:
        return getattr(HistoryBuffer, name)
    raise UnsafeCheckpointError(
        f'checkpoint asks for attribute {name!r} of {owner!r}; only '
        f'HistoryBuffer.{{{", ".join(HISTORY_BUFFER_STATISTICS)}}} are allowed'
    )


def allowed_checkpoint_globals() -> List[Any]:
    """The non-tensor types an mmengine 0.10 training checkpoint contains.

    Returns:
        list: classes and reconstructor functions for
        ``torch.serialization.safe_globals`` (a ``(function, name)`` pair
        serves that function for the global ``name``).
    """
    float_dtypes = (np.float64, np.float32, np.int64, np.int32, np.bool_)
    multiarray = np._core.multiarray
    return [
        HistoryBuffer,
        (_history_buffer_statistic, 'builtins.getattr'),
        np.ndarray,
        np.dtype,
        multiarray._reconstruct,
        multiarray.scalar,
        # the same two functions under their numpy 1.x names
        (multiarray._reconstruct, 'numpy.core.multiarray._reconstruct'),
        (multiarray.scalar, 'numpy.core.multiarray.scalar'),
        *(type(np.dtype(t)) for t in float_dtypes),
    ]


@contextmanager
def _rewound(file: Union[str, IO[bytes]]) -> Iterator[IO[bytes]]:
    """``file`` opened for reading (a path) or as given (a seekable file
    object, put back where it was afterwards: torch.load reads it next)."""
    if isinstance(file, str):
        with open(file, 'rb') as stream:
            yield stream
        return
    start = file.tell()
    try:
        yield file
    finally:
        file.seek(start)


def _not_a_checkpoint(name: str, reason: str) -> CorruptCheckpointError:
    return CorruptCheckpointError(
        f'{name} is corrupt or not a checkpoint: {reason}')


def _verify_archive(stream: IO[bytes], name: str) -> None:
    """Check every entry's CRC-32 and that the archive holds torch's
    ``data.pkl`` record (torch names it ``<folder>/data.pkl``, the folder
    being the first entry's)."""
    try:
        with zipfile.ZipFile(stream) as archive:
            damaged = archive.testzip()
            names = archive.namelist()
    except (zipfile.BadZipFile, EOFError) as error:
        # e.g. a truncated file: its central directory is missing
        raise _not_a_checkpoint(
            name, f'not a readable zip archive ({error})') from error
    if damaged is not None:
        raise CorruptCheckpointError(
            f'{name} is corrupt: its entry {damaged!r} does not match the '
            f'CRC-32 recorded when it was saved (the bytes changed since, '
            f'e.g. on a failing disk or in a bad copy). Restore the file '
            f'from an intact copy.')
    if not names or f"{names[0].split('/')[0]}/data.pkl" not in names:
        raise _not_a_checkpoint(
            name, 'a zip archive without the data.pkl record torch.save '
            'writes')


def verify_checkpoint_file(file: Union[str, IO[bytes]], name: str) -> None:
    """Refuse a damaged checkpoint before anything is unpickled.

    A zip archive (what ``torch.save`` writes) is read in full and every
    entry is checked against its CRC-32: the file is read once more than
    torch.load alone would, the price of never training on silently
    damaged weights. A legacy-format file has no checksums and passes
    unverified; anything else (empty, random bytes, another format) is
    refused.

    Args:
        file: path or seekable binary file object of the checkpoint; a file
            object is left at the position it had.
        name: the file's name for the messages.

    Raises:
        CorruptCheckpointError: naming the file, and the damaged entry
            when an entry fails its CRC-32 check.
    """
    with _rewound(file) as stream:
        header = stream.read(HEADER_SIZE)
        if header.startswith(ZIP_SIGNATURE):
            _verify_archive(stream, name)
        elif LEGACY_SIGNATURE not in header:
            raise _not_a_checkpoint(
                name, 'neither a zip archive written by torch.save nor a '
                'legacy torch file')


def load_checkpoint_file(file: Union[str, IO[bytes]],
                         map_location: Optional[Any] = None,
                         source: Optional[str] = None) -> Any:
    """Verify a checkpoint (a path or an open binary file) with
    :func:`verify_checkpoint_file`, then load it with torch's weights-only
    unpickler and :func:`allowed_checkpoint_globals`.

    Args:
        file: path or seekable binary file object of the checkpoint.
        map_location: as for :func:`torch.load`.
        source: the file's name for the messages (e.g. the URL a buffer
            came from); by default the path, or the file object's name.

    Returns:
        The checkpoint's content.

    Raises:
        CorruptCheckpointError: see :func:`verify_checkpoint_file`.
        UnsafeCheckpointError: the file holds an object that is not a
            tensor, a container or an allow-listed mmengine/numpy type.
    """
    name = source or (file if isinstance(file, str) else getattr(
        file, 'name', 'buffer'))
    verify_checkpoint_file(file, name)
    try:
        with torch.serialization.safe_globals(allowed_checkpoint_globals()):
            return torch.load(
                file, map_location=map_location, weights_only=True)
    except UnsafeCheckpointError:
        raise
    except pickle.UnpicklingError as error:
        raise UnsafeCheckpointError(
            f'Refusing to load {name}: it contains an object that is '
            f'neither a tensor nor an allow-listed mmengine/numpy type, and '
            f'switokd_mm never unpickles arbitrary objects. If the file is '
            f"yours, re-save its weights with torch.save(state_dict). "
            f'Details: {error}') from error


def load_local_checkpoint(filename: str,
                          map_location: Optional[Any] = None) -> Any:
    """mmengine's local-file loader, safe: :func:`load_checkpoint_file`.

    Args:
        filename: path of the checkpoint.
        map_location: as for :func:`torch.load`.

    Returns:
        The checkpoint's content.

    Raises:
        FileNotFoundError: the file does not exist.
        CorruptCheckpointError: see :func:`load_checkpoint_file`.
        UnsafeCheckpointError: see :func:`load_checkpoint_file`.
    """
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'Checkpoint {filename} can not be found.')
    return load_checkpoint_file(filename, map_location)
