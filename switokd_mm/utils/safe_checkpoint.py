"""Checkpoint loading that never unpickles arbitrary objects.

torch >= 2.6 loads with ``weights_only=True``: only tensors, containers and
allow-listed classes are rebuilt. An mmengine 0.10 resume checkpoint also
holds the MessageHub's ``HistoryBuffer`` objects and the numpy arrays and
scalars inside them, so plain loading refuses it. Importing switokd_mm
replaces mmengine's local-file loader with :func:`load_local_checkpoint`,
which allow-lists exactly those types for the duration of one load (nothing
is added to torch's global allow-list) and still refuses anything else.
"""
import os.path as osp
import pickle
from typing import Any, List, Optional

import numpy as np
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner import CheckpointLoader


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
    return [
        HistoryBuffer,
        (_history_buffer_statistic, 'builtins.getattr'),
        np.ndarray,
        np.dtype,
        np._core.multiarray._reconstruct,
        np._core.multiarray.scalar,
        *(type(np.dtype(t)) for t in float_dtypes),
    ]


def load_local_checkpoint(filename: str,
                          map_location: Optional[Any] = None) -> Any:
    """Load a local checkpoint with torch's weights-only unpickler.

    Args:
        filename: path of the checkpoint.
        map_location: as for :func:`torch.load`.

    Returns:
        The checkpoint's content.

    Raises:
        FileNotFoundError: the file does not exist.
        UnsafeCheckpointError: the file holds an object that is not a
            tensor, a container or an allow-listed mmengine/numpy type.
    """
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'Checkpoint {filename} can not be found.')
    try:
        with torch.serialization.safe_globals(allowed_checkpoint_globals()):
            return torch.load(
                filename, map_location=map_location, weights_only=True)
    except UnsafeCheckpointError:
        raise
    except pickle.UnpicklingError as error:
        raise UnsafeCheckpointError(
            f'Refusing to load {filename}: it contains an object that is '
            f'neither a tensor nor an allow-listed mmengine/numpy type, and '
            f'switokd_mm never unpickles arbitrary objects. If the file is '
            f"yours, re-save its weights with torch.save(state_dict). "
            f'Details: {error}') from error


# Every local checkpoint that mmengine loads (resume, load_from, init_cfg,
# mmpretrain's init_model) goes through the safe loader.
CheckpointLoader.register_scheme(
    prefixes='', force=True)(
        load_local_checkpoint)
