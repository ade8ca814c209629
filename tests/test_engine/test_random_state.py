"""The random state round-trips through a safely loaded checkpoint."""
import random

import numpy as np
import torch

from switokd_mm.checkpoint import load_local_checkpoint
from switokd_mm.engine.random_state import (get_random_state,
                                            preserved_random_state,
                                            set_random_state)


def draw():
    return (random.random(), np.random.rand(), np.random.randn(),
            torch.rand(1).item())


def test_saved_state_replays_every_generator(tmp_path):
    random.seed(1)
    np.random.seed(1)
    torch.manual_seed(1)
    np.random.randn()  # leaves a cached Gaussian in NumPy's state
    path = tmp_path / 'state.pth'
    torch.save(dict(random_state=get_random_state()), path)
    expected = draw()
    assert draw() != expected  # the generators moved on

    set_random_state(load_local_checkpoint(str(path))['random_state'])
    assert draw() == expected


def test_preserved_block_leaves_generators_untouched():
    state = get_random_state()
    expected = draw()
    set_random_state(state)
    with preserved_random_state():
        draw()
    assert draw() == expected
