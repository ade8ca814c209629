"""Per-network optimizer wrappers (mmengine's OptimWrapperDict) and the
pause semantics of update_learners."""
import pytest
import torch
import torch.nn as nn
from mmengine.optim import OptimWrapper, OptimWrapperDict
from mmpretrain.registry import OPTIM_WRAPPER_CONSTRUCTORS

from switokd_mm.models.utils import update_learners


class TwoNets(nn.Module):

    def __init__(self):
        super().__init__()
        self.student = nn.Linear(3, 2)
        self.teacher = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))


def build(cfg_student=None, cfg_teacher=None, **extra):
    sgd = dict(
        optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-2))
    cfg = dict(student=cfg_student or sgd, teacher=cfg_teacher or sgd)
    model = TwoNets()
    constructor = OPTIM_WRAPPER_CONSTRUCTORS.build(
        dict(
            type='PerNetworkOptimWrapperConstructor',
            optim_wrapper_cfg=cfg,
            **extra))
    return model, constructor(model)


def test_constructor_builds_one_wrapper_per_network():
    model, optim = build(
        cfg_teacher=dict(
            optimizer=dict(type='Adam', lr=1e-3, weight_decay=1e-4),
            paramwise_cfg=dict(norm_decay_mult=0.0)))
    assert type(optim) is OptimWrapperDict
    assert set(optim.keys()) == {'student', 'teacher'}
    assert isinstance(optim['teacher'].optimizer, torch.optim.Adam)
    student_params = {
        id(p)
        for g in optim['student'].optimizer.param_groups
        for p in g['params']
    }
    assert student_params == {id(p) for p in model.student.parameters()}


def test_paused_network_is_untouched():
    model, optim = build()
    x = torch.randn(4, 3)
    # one step for both, so momentum buffers exist
    update_learners(optim, {
        'student': model.student(x).sum(),
        'teacher': model.teacher(x).pow(2).sum()
    })
    teacher_state = {
        k: v.clone()
        for k, v in model.teacher.state_dict().items()
    }
    momentum = {
        id(p): s['momentum_buffer'].clone()
        for p, s in optim['teacher'].optimizer.state.items()
    }
    student_w = model.student.weight.detach().clone()

    update_learners(optim, {'student': model.student(x).sum()})

    assert not torch.equal(model.student.weight, student_w)
    for key, value in model.teacher.state_dict().items():
        assert torch.equal(value, teacher_state[key]), key
    for param, state in optim['teacher'].optimizer.state.items():
        assert torch.equal(state['momentum_buffer'], momentum[id(param)])


def test_unknown_network_loss_is_refused():
    model, optim = build()
    with pytest.raises(KeyError, match='ghost'):
        update_learners(optim,
                        {'ghost': torch.tensor(1.0, requires_grad=True)})


@pytest.mark.parametrize('cfg, extra, match', [
    (dict(student=dict(lr=0.1)), {}, 'must be a dict with an `optimizer`'),
    ({}, {}, 'no network entries'),
    (dict(student=dict(optimizer=dict(type='SGD', lr=0.1))),
     dict(paramwise_cfg=dict(norm_decay_mult=0.0)), 'inside each network'),
])
def test_constructor_bad_config(cfg, extra, match):
    with pytest.raises(ValueError, match=match):
        OPTIM_WRAPPER_CONSTRUCTORS.build(
            dict(
                type='PerNetworkOptimWrapperConstructor',
                optim_wrapper_cfg=cfg,
                **extra))


def test_constructor_unknown_network():
    constructor = OPTIM_WRAPPER_CONSTRUCTORS.build(
        dict(
            type='PerNetworkOptimWrapperConstructor',
            optim_wrapper_cfg=dict(
                assistant=dict(optimizer=dict(type='SGD', lr=0.1)))))
    with pytest.raises(ValueError, match="no network 'assistant'"):
        constructor(TwoNets())


def test_each_network_keeps_its_wrapper_type():
    _, optim = build(
        cfg_teacher=dict(
            type='OptimWrapper',
            optimizer=dict(type='SGD', lr=0.1),
            clip_grad=dict(max_norm=1.0)))
    assert type(optim['teacher']) is OptimWrapper
    assert optim['teacher'].clip_grad_kwargs == dict(max_norm=1.0)


def test_none_entry_is_dropped():
    constructor = OPTIM_WRAPPER_CONSTRUCTORS.build(
        dict(
            type='PerNetworkOptimWrapperConstructor',
            optim_wrapper_cfg=dict(
                student=dict(optimizer=dict(type='SGD', lr=0.1)),
                teacher=None)))
    assert set(constructor(TwoNets()).keys()) == {'student'}
