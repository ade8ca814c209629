"""Two gloo ranks under PerNetworkDistributedDataParallel: the decision of
one process on the global batch, gradients averaged by torch DDP, a paused
teacher untouched, and BatchNorm buffers identical on every rank."""
import socket

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from mmengine.runner.checkpoint import get_state_dict
from mmpretrain.registry import MODELS
from torch.nn.parallel import DistributedDataParallel

from switokd_mm.models.wrappers import PerNetworkDistributedDataParallel
from tests.conftest import linear_classifier, make_batch, set_linear
from tests.fixtures.linear_pair import (CONFIDENT_RIGHT, CONFIDENT_WRONG, K,
                                        make_optim, optimizer_state)

# Student: confidently wrong on inputs 0 and 1, uniform on inputs 2 and 3.
STUDENT_W = torch.cat([CONFIDENT_WRONG[:, :2], torch.zeros(K, 2)], dim=1)
# Rank 0 sees only inputs 0, 1 (alone: expert); rank 1 only 2, 3 (alone:
# learning). Equal batch sizes, so averaged gradients equal global ones.
RANK_INPUTS = [[0, 1, 0, 1], [2, 3, 2, 3]]


def build(student_w=STUDENT_W, norm=False):
    torch.manual_seed(0)
    model = MODELS.build(
        dict(
            type='SwitOKD',
            student=linear_classifier(K, norm=norm),
            teacher=linear_classifier(K, norm=norm),
            eval_teacher=True))
    set_linear(model.student, student_w)
    set_linear(model.teacher, CONFIDENT_RIGHT)
    return model


def batch(indices, scale=1.0):
    return make_batch(scale * torch.eye(K)[indices], indices)


def run_rank(rank, port, results):
    """Every scenario in one process group (one spawn: imports are slow)."""
    dist.init_process_group(
        'gloo', init_method=f'tcp://127.0.0.1:{port}', rank=rank, world_size=2)
    try:
        results[rank] = {
            name: scenario(rank)
            for name, scenario in SCENARIOS.items()
        }
    finally:
        dist.destroy_process_group()


def global_decision(rank):
    """One step on this rank's half of the batch."""
    wrapped = PerNetworkDistributedDataParallel(build())
    optim = make_optim(wrapped)
    log_vars = wrapped.train_step(batch(RANK_INPUTS[rank]), optim)
    return dict(
        expert=log_vars['switokd/expert'],
        gap=log_vars['switokd/gap'],
        state={
            k: v.clone()
            for k, v in get_state_dict(wrapped.module).items()
        },
        own_keys=list(wrapped.module.state_dict()),
        reloaded=_reload(wrapped.module),
        wrapped=[
            isinstance(getattr(wrapped.module, name), DistributedDataParallel)
            for name in ('student', 'teacher')
        ])


def _reload(model):
    """Load a plain state dict into the wrapped model; what changed."""
    plain = build().state_dict()
    model.load_state_dict(plain, strict=True)
    return all(
        torch.equal(value, plain[key])
        for key, value in model.state_dict().items())


def paused_teacher(rank):
    """A learning step (momentum exists), then expert steps."""
    model = build(student_w=torch.zeros(K, K))
    wrapped = PerNetworkDistributedDataParallel(model)
    optim = make_optim(wrapped)
    first = wrapped.train_step(batch([0, 1, 2, 3]), optim)['switokd/expert']
    set_linear(model.student.module, CONFIDENT_WRONG)
    teacher = {k: v.clone() for k, v in get_state_dict(model.teacher).items()}
    momentum = optimizer_state(optim['teacher'])
    modes = [
        wrapped.train_step(batch([0, 1, 2, 3]), optim)['switokd/expert']
        for _ in range(3)
    ]
    after = get_state_dict(model.teacher)
    return dict(
        first=first,
        modes=modes,
        unchanged=all(torch.equal(after[k], v) for k, v in teacher.items()),
        momentum_unchanged=_equal(optimizer_state(optim['teacher']),
                                  momentum),
        grads=[p.grad for p in model.teacher.parameters()])


def buffers_after_validation(rank):
    """Each rank normalises a differently scaled batch, then validates."""
    wrapped = PerNetworkDistributedDataParallel(build(norm=True))
    optim = make_optim(wrapped)
    wrapped.train()
    wrapped.train_step(batch([0, 1, 2, 3], scale=1.0 + 4 * rank), optim)
    trained = {
        k: v.clone()
        for k, v in get_state_dict(wrapped.module).items()
        if 'running_' in k
    }
    wrapped.eval()
    wrapped.val_step(batch([0, 1]))
    validated = {
        k: v
        for k, v in get_state_dict(wrapped.module).items() if 'running_' in k
    }
    return dict(trained=trained, validated=validated)


def _equal(a, b):
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    return torch.equal(a, b)


SCENARIOS = dict(
    global_decision=global_decision,
    paused_teacher=paused_teacher,
    buffers_after_validation=buffers_after_validation)


@pytest.fixture(scope='module')
def ranks():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    with mp.Manager() as manager:
        results = manager.dict()
        mp.spawn(run_rank, args=(port, results), nprocs=2, join=True)
        return {
            name: [results[0][name], results[1][name]]
            for name in SCENARIOS
        }


def test_local_decisions_would_differ():
    for rank, expected in ((0, 1.0), (1, 0.0)):
        model = build()
        log_vars = model.train_step(
            batch(RANK_INPUTS[rank]), make_optim(model))
        assert log_vars['switokd/expert'] == expected


def test_each_network_is_wrapped_in_its_own_ddp(ranks):
    assert ranks['global_decision'][0]['wrapped'] == [True, True]


def test_ranks_take_the_global_decision_and_gradients(ranks):
    model = build()
    log_vars = model.train_step(
        batch(RANK_INPUTS[0] + RANK_INPUTS[1]), make_optim(model))
    state = get_state_dict(model)
    for result in ranks['global_decision']:
        assert result['expert'] == log_vars['switokd/expert']
        assert result['gap'] == pytest.approx(log_vars['switokd/gap'],
                                              abs=1e-6)
        # checkpoint keys as in one process (no 'module.'), both ways
        assert result['state'].keys() == state.keys()
        assert result['own_keys'] == list(state)
        assert result['reloaded']
        for key, value in state.items():
            assert torch.allclose(
                result['state'][key].float(), value.float(), atol=1e-6), key


def test_paused_teacher_is_untouched_on_every_rank(ranks):
    for result in ranks['paused_teacher']:
        assert result['first'] == 0.0
        assert result['modes'] == [1.0, 1.0, 1.0]
        assert result['unchanged']
        assert result['momentum_unchanged']
        # zero_grad after the learning step; no backward reached it since
        assert all(grad is None for grad in result['grads'])


def test_batchnorm_buffers_agree_after_validation(ranks):
    rank0, rank1 = ranks['buffers_after_validation']
    key = next(iter(rank0['trained']))
    # each rank normalised its own batch ...
    assert not torch.equal(rank0['trained'][key], rank1['trained'][key])
    # ... and DDP gave every rank rank 0's statistics before validating
    for key, value in rank0['validated'].items():
        assert torch.equal(value, rank1['validated'][key]), key
        assert torch.equal(value, rank0['trained'][key]), key
