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
"""
import os.path as osp
import pickle
from typing import IO, Any, List, Optional, Union

import numpy as np
import torch
from mmengine.logging import HistoryBuffer


class UnsafeCheckpointError(pickle.UnpicklingError):
    """A checkpoint holds objects outside the allow-list."""


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


def load_checkpoint_file(file: Union[str, IO[bytes]],
                         map_location: Optional[Any] = None) -> Any:
    """Load a checkpoint (a path or an open binary file) with torch's
    weights-only unpickler and :func:`allowed_checkpoint_globals`.

    Args:
        file: path or binary file object of the checkpoint.
        map_location: as for :func:`torch.load`.

    Returns:
        The checkpoint's content.

    Raises:
        UnsafeCheckpointError: the file holds an object that is not a
            tensor, a container or an allow-listed mmengine/numpy type.
    """
    name = file if isinstance(file, str) else getattr(file, 'name', 'buffer')
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
        UnsafeCheckpointError: see :func:`load_checkpoint_file`.
    """
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'Checkpoint {filename} can not be found.')
    return load_checkpoint_file(filename, map_location)
