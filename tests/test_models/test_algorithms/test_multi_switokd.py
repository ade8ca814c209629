"""MultiSwitOKD on controlled logits: per-pair gates, 1T2S and 2T1S."""
import copy

import pytest
import torch
from mmpretrain.registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS

from tests.conftest import linear_classifier, make_batch, set_linear
from tests.test_models.test_algorithms.test_switokd import (CONFIDENT_RIGHT,
                                                            CONFIDENT_WRONG,
                                                            INPUTS, LABELS, K,
                                                            assert_same,
                                                            expected_losses,
                                                            optimizer_state,
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
            type='SwitOKDOptimWrapperConstructor',
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


def test_one_teacher_one_student_equals_switokd():
    torch.manual_seed(0)
    w_s, w_t = torch.randn(K, K), CONFIDENT_RIGHT
    multi, multi_optim = build(
        dict(teacher=('teacher', w_t), student=('student', w_s)))
    two = MODELS.build(
        dict(
            type='SwitOKD',
            student=linear_classifier(K),
            teacher=linear_classifier(K)))
    two.load_state_dict(multi.state_dict(), strict=False)
    two_optim = OPTIM_WRAPPER_CONSTRUCTORS.build(
        dict(
            type='SwitOKDOptimWrapperConstructor',
            optim_wrapper_cfg=dict(
                student=dict(
                    optimizer=dict(
                        type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4)),
                teacher=dict(
                    optimizer=dict(
                        type='SGD', lr=0.1, momentum=0.9,
                        weight_decay=5e-4)))))(
                            two)
    modes = []
    for student_w in (None, CONFIDENT_WRONG, None, CONFIDENT_WRONG, None):
        if student_w is not None:  # force expert mode now and then
            set_linear(multi.student, student_w)
            set_linear(two.student, student_w)
        a, b = step(multi, multi_optim), step(two, two_optim)
        assert a['switokd/teacher-student/expert'] == b['switokd/expert']
        assert a['switokd/teacher-student/gap'] == b['switokd/gap']
        modes.append(b['switokd/expert'])
        for key, value in two.state_dict().items():
            if key.startswith(('student.', 'teacher.')):
                assert torch.equal(multi.state_dict()[key], value), key
    assert 0.0 in modes and 1.0 in modes


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
            type='SwitOKDOptimWrapperConstructor',
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
