"""Two gloo ranks whose local batches would decide differently take the
decision of one process on the global batch, and stay identical."""
import socket

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from mmpretrain.registry import MODELS

from switokd_mm.models.wrappers import SwitOKDDataParallel
from tests.conftest import linear_classifier, make_batch, set_linear
from tests.test_models.test_algorithms.test_switokd import (CONFIDENT_RIGHT,
                                                            CONFIDENT_WRONG, K,
                                                            make_optim)

# Student: confidently wrong on inputs 0 and 1, uniform on inputs 2 and 3.
STUDENT_W = torch.cat([CONFIDENT_WRONG[:, :2], torch.zeros(K, 2)], dim=1)
# Rank 0 sees only inputs 0, 1 (alone: expert); rank 1 only 2, 3 (alone:
# learning). Equal batch sizes, so averaged gradients equal global ones.
RANK_INPUTS = [[0, 1, 0, 1], [2, 3, 2, 3]]


def build():
    torch.manual_seed(0)
    model = MODELS.build(
        dict(
            type='SwitOKD',
            student=linear_classifier(K),
            teacher=linear_classifier(K)))
    set_linear(model.student, STUDENT_W)
    set_linear(model.teacher, CONFIDENT_RIGHT)
    return model


def step(model, indices):
    """One train_step of ``model`` (wrapped or not) on the given inputs."""
    inner = getattr(model, 'module', model)
    log_vars = model.train_step(
        make_batch(torch.eye(K)[indices], indices), make_optim(inner))
    return log_vars, {k: v.clone() for k, v in inner.state_dict().items()}


def rank_main(rank, port, results):
    dist.init_process_group(
        'gloo', init_method=f'tcp://127.0.0.1:{port}', rank=rank, world_size=2)
    try:
        wrapped = SwitOKDDataParallel(build())
        log_vars, state = step(wrapped, RANK_INPUTS[rank])
        results[rank] = (log_vars['switokd/expert'], log_vars['switokd/gap'],
                         state)
    finally:
        dist.destroy_process_group()


@pytest.fixture(scope='module')
def rank_results():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    with mp.Manager() as manager:
        results = manager.dict()
        mp.spawn(rank_main, args=(port, results), nprocs=2, join=True)
        return dict(results)


def test_local_decisions_would_differ():
    assert step(build(), RANK_INPUTS[0])[0]['switokd/expert'] == 1.0
    assert step(build(), RANK_INPUTS[1])[0]['switokd/expert'] == 0.0


def test_ranks_take_the_global_decision(rank_results):
    log_vars, state = step(build(), RANK_INPUTS[0] + RANK_INPUTS[1])
    for rank in (0, 1):
        expert, gap, rank_state = rank_results[rank]
        assert expert == log_vars['switokd/expert']
        assert gap == pytest.approx(log_vars['switokd/gap'], abs=1e-6)
        for key, value in state.items():
            assert torch.allclose(
                rank_state[key].float(), value.float(), atol=1e-6), (rank, key)
