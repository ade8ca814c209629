"""The process's random number generators as one saveable value.

Data augmentation, dropout and batch augments draw from Python's
``random``, NumPy's global generator and torch's (CPU and CUDA)
generators. A run that resumes exactly must continue every one of them
from where it stopped; the state is kept in tensors and plain containers so
that checkpoints holding it still load with ``weights_only=True``.
"""
import random
from contextlib import contextmanager
from typing import Iterator

import numpy as np
import torch


def get_random_state() -> dict:
    """The state of every global random number generator.

    Returns:
        dict: ``python``, ``numpy``, ``torch`` and, once CUDA is
        initialised, ``cuda`` (one state per device).
    """
    version, internal, gauss = random.getstate()
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    state = dict(
        python=dict(version=version, internal=list(internal), gauss=gauss),
        numpy=dict(
            kind=kind,
            keys=torch.from_numpy(keys.astype(np.int64)),
            pos=int(pos),
            has_gauss=int(has_gauss),
            cached=float(cached)),
        torch=torch.get_rng_state())
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state['cuda'] = torch.cuda.get_rng_state_all()
    return state


def set_random_state(state: dict) -> None:
    """Restore what :func:`get_random_state` returned.

    Args:
        state: a value of :func:`get_random_state`.
    """
    python = state['python']
    random.setstate(
        (python['version'], tuple(python['internal']), python['gauss']))
    numpy = state['numpy']
    np.random.set_state(
        (numpy['kind'], numpy['keys'].numpy().astype(np.uint32), numpy['pos'],
         numpy['has_gauss'], numpy['cached']))
    torch.set_rng_state(state['torch'])
    if 'cuda' in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state['cuda'])


@contextmanager
def preserved_random_state() -> Iterator[None]:
    """Run a block without letting it move any random number generator."""
    state = get_random_state()
    try:
        yield
    finally:
        set_random_state(state)
