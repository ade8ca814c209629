"""MultiSwitOKD on controlled logits: per-pair gates, 1T2S and 2T1S."""
import copy

import pytest
import torch
import torch.nn.functional as F
from mmpretrain.registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS

from switokd_mm.models.losses import distillation_kl
from switokd_mm.models.switching import gap_statistics
from tests.conftest import linear_classifier, make_batch, set_linear
from tests.fixtures.linear_pair import (CONFIDENT_RIGHT, CONFIDENT_WRONG,
                                        INPUTS, LABELS, K, assert_same,
                                        expected_losses, optimizer_state,
                                        snapshot)

UNIFORM = torch.zeros(K, K)


def build(roles, **kwargs):
    """A MultiSwitOKD of linear classifiers: name -> (role, weights)."""
    model = MODELS.build(
        dict(
            type='MultiSwitOKD',
            networks={
                name: dict(role=role, model=linear_classifier(K))
                for name, (role, _) in roles.items()
            },
            **kwargs))
    for name, (_, weight) in roles.items():
        set_linear(getattr(model, name), weight)
    sgd = dict(
        optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4))
    optim = OPTIM_WRAPPER_CONSTRUCTORS.build(
        dict(
            type='PerNetworkOptimWrapperConstructor',
            optim_wrapper_cfg={name: copy.deepcopy(sgd)
                               for name in roles}))(
                                   model)
    return model, optim


def step(model, optim):
    return model.train_step(make_batch(INPUTS, LABELS), optim)


def test_1t2s_drops_only_the_triggered_students_term():
    model, optim = build(
        dict(
            t=('teacher', CONFIDENT_RIGHT),
            s1=('student', CONFIDENT_WRONG),
            s2=('student', UNIFORM)))
    log_vars = step(model, optim)
    # each pair's gate on its own statistics (swapped, these would swap)
    assert log_vars['switokd/t-s1/expert'] == 1.0
    assert log_vars['switokd/t-s2/expert'] == 0.0
    assert log_vars['switokd/t/paused'] == 0.0
    assert 't/loss_kd_s1' not in log_vars and 't/loss_kd_s2' in log_vars
    # teacher: CE + beta * KL(p_s2 || p_t), as two-network SwitOKD with s2
    expected = expected_losses(UNIFORM.T, CONFIDENT_RIGHT.T, LABELS, 1.0, 1.0,
                               1.0)['teacher']
    assert log_vars['t/loss'].item() == pytest.approx(
        expected.item(), rel=1e-5)
    # students also distil from each other
    assert 's1/loss_kd_s2' in log_vars and 's2/loss_kd_s1' in log_vars


def test_1t2s_teacher_suspended_when_all_pairs_trigger():
    model, optim = build(
        dict(
            t=('teacher', CONFIDENT_RIGHT),
            s1=('student', UNIFORM),
            s2=('student', UNIFORM)))
    step(model, optim)  # learning: momentum buffers now exist
    set_linear(model.s1, CONFIDENT_WRONG)
    set_linear(model.s2, CONFIDENT_WRONG)
    before, state = snapshot(model.t), optimizer_state(optim['t'])
    log_vars = step(model, optim)
    assert log_vars['switokd/t/paused'] == 1.0
    assert_same(snapshot(model.t), before)
    assert_same(optimizer_state(optim['t']), state)


def test_2t1s_teachers_pause_independently():
    # t1 is right where the student is confidently wrong: pair triggers;
    # t2 agrees with the student: no gap, it keeps learning
    model, optim = build(
        dict(
            t1=('teacher', CONFIDENT_RIGHT),
            t2=('teacher', CONFIDENT_WRONG),
            s=('student', CONFIDENT_WRONG)))
    t1, t2 = snapshot(model.t1), snapshot(model.t2)
    log_vars = step(model, optim)
    assert (log_vars['switokd/t1/paused'], log_vars['switokd/t2/paused']) \
        == (1.0, 0.0)
    assert_same(snapshot(model.t1), t1)
    assert not torch.equal(model.t2.head.fc.weight, t2['head.fc.weight'])
    # the student learns from both teachers; teachers from each other
    assert {'s/loss_kd_t1', 's/loss_kd_t2', 't2/loss_kd_t1'} <= set(log_vars)
    assert model.pair_names == ['t1-s', 't2-s']
    assert model.num_expert_iters.tolist() == [1, 0]


def reference_step(student, teacher, optimizers, inputs, labels):
    """Two-network SwitOKD written out from docs/design.md §1 in plain PyTorch
    (independent orchestration; the pure math functions are tested on
    their own): returns whether the teacher was paused."""
    x = inputs.view(len(labels), -1, 1, 1)
    y = F.one_hot(torch.tensor(labels), K).float()
    z_s, z_t = student(x, mode='tensor'), teacher(x, mode='tensor')
    gap, ds, dt = gap_statistics(z_s.detach(), z_t.detach(), y)
    delta = ds - torch.exp(-dt / (ds + dt)) * dt
    expert = bool(gap > delta) and bool(dt < ds)
    losses = [(F.cross_entropy(z_s, y) + distillation_kl(z_s, z_t), 0)]
    if not expert:
        losses.append((F.cross_entropy(z_t, y) + distillation_kl(z_t, z_s), 1))
    for loss, index in losses:
        loss.backward()
        optimizers[index].step()
        optimizers[index].zero_grad()
    return expert


def test_one_pair_over_both_modes_equals_plain_pytorch_switokd():
    torch.manual_seed(0)
    w_s = torch.randn(K, K)
    model, optim = build(
        dict(student=('student', w_s), teacher=('teacher', CONFIDENT_RIGHT)))
    reference = copy.deepcopy(model)
    optimizers = [
        torch.optim.SGD(
            net.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
        for net in (reference.student, reference.teacher)
    ]
    modes = []
    for student_w in (None, CONFIDENT_WRONG, None, CONFIDENT_WRONG, None):
        if student_w is not None:  # force expert mode now and then
            set_linear(model.student, student_w)
            set_linear(reference.student, student_w)
        log_vars = step(model, optim)
        expert = reference_step(reference.student, reference.teacher,
                                optimizers, INPUTS, LABELS)
        assert log_vars['switokd/expert'] == float(expert)
        modes.append(expert)
        for name in ('student', 'teacher'):
            ours = getattr(model, name).state_dict()
            for key, value in getattr(reference, name).state_dict().items():
                assert torch.equal(ours[key], value), (name, key)
    assert True in modes and False in modes


@pytest.mark.parametrize('networks, match', [
    (dict(a=dict(role='student', model=linear_classifier(K))), 'teacher'),
    (dict(a=dict(role='boss', model=linear_classifier(K))), 'role'),
    ({
        't-1': dict(role='teacher', model=linear_classifier(K)),
        's': dict(role='student', model=linear_classifier(K))
    }, "'-'"),
    (dict(
        threshold=dict(role='teacher', model=linear_classifier(K)),
        s=dict(role='student', model=linear_classifier(K))), 'taken'),
    (dict(
        t=dict(role='teacher', model=linear_classifier(K + 1)),
        s=dict(role='student', model=linear_classifier(K))), 'same classes'),
])
def test_bad_networks(networks, match):
    with pytest.raises(ValueError, match=match):
        MODELS.build(dict(type='MultiSwitOKD', networks=networks))


def test_multi_kdcl_uses_the_ensemble_of_all_networks():
    tau = 2.0
    torch.manual_seed(7)
    weights = {name: torch.randn(K, K) for name in ('t', 's1', 's2')}
    model = MODELS.build(
        dict(
            type='MultiKDCL',
            tau=tau,
            networks={
                name:
                dict(
                    role='teacher' if name == 't' else 'student',
                    model=linear_classifier(K))
                for name in weights
            }))
    for name, weight in weights.items():
        set_linear(getattr(model, name), weight)
    optim = OPTIM_WRAPPER_CONSTRUCTORS.build(
        dict(
            type='PerNetworkOptimWrapperConstructor',
            optim_wrapper_cfg={
                name: dict(optimizer=dict(type='SGD', lr=0.1))
                for name in weights
            }))(
                model)
    log_vars = step(model, optim)
    y = torch.tensor(LABELS).view(-1, 1)
    z = {name: w.T for name, w in weights.items()}  # logits per sample
    z_m = torch.stack([v - v.gather(1, y) for v in z.values()]).min(0).values
    for name, logits in z.items():
        kl = (torch.softmax(z_m / tau, 1) *
              (torch.log_softmax(z_m / tau, 1) -
               torch.log_softmax(logits / tau, 1))).sum(1).mean() * tau**2
        expected = torch.nn.functional.cross_entropy(logits, y.view(-1)) + kl
        assert log_vars[f'{name}/loss'].item() == pytest.approx(
            expected.item(), rel=1e-5)
        assert not torch.equal(
            getattr(model, name).head.fc.weight, weights[name])
