"""SwitOKD.train_step on controlled logits: mode, updates, loss values."""

import pytest
import torch
from mmpretrain.registry import MODELS

from tests.conftest import linear_classifier, make_batch, set_linear
from tests.fixtures.linear_pair import (CONFIDENT_RIGHT, CONFIDENT_WRONG,
                                        INPUTS, LABELS, K, assert_same, build,
                                        expected_losses, make_optim,
                                        optimizer_state, snapshot)


def test_expert_mode_pauses_teacher_bit_identically():
    model, optim = build(CONFIDENT_RIGHT, CONFIDENT_RIGHT)
    # A learning step first, so the teacher's momentum buffers exist.
    set_linear(model.student, torch.zeros(K, K))
    first = model.train_step(make_batch(INPUTS, LABELS), optim)
    assert first['switokd/expert'] == 0.0
    assert optimizer_state(optim['teacher'])  # momentum now populated

    set_linear(model.student, CONFIDENT_WRONG)
    teacher_before = snapshot(model.teacher)
    momentum_before = optimizer_state(optim['teacher'])
    student_before = snapshot(model.student)
    grads_through_teacher = []
    for param in model.teacher.parameters():
        param.register_hook(lambda g: grads_through_teacher.append(g))

    log_vars = model.train_step(make_batch(INPUTS, LABELS), optim)

    assert log_vars['switokd/expert'] == 1.0
    assert log_vars['switokd/gap'] > log_vars['switokd/delta']
    assert_same(snapshot(model.teacher), teacher_before)
    assert_same(optimizer_state(optim['teacher']), momentum_before)
    assert grads_through_teacher == []  # no backward reached the teacher
    assert not torch.equal(model.student.head.fc.weight,
                           student_before['head.fc.weight'])


def test_learning_mode_updates_both():
    # Uniform student, near-perfect teacher: G < delta (see test_switching).
    model, optim = build(torch.zeros(K, K), CONFIDENT_RIGHT)
    student_before, teacher_before = snapshot(model.student), snapshot(
        model.teacher)
    log_vars = model.train_step(make_batch(INPUTS, LABELS), optim)
    assert log_vars['switokd/expert'] == 0.0
    assert log_vars['switokd/gap'] <= log_vars['switokd/delta']
    for now, before in ((model.student, student_before), (model.teacher,
                                                          teacher_before)):
        assert not torch.equal(now.head.fc.weight, before['head.fc.weight'])


def test_gate_clause_keeps_teacher_learning_when_behind():
    # Teacher confidently wrong, student right: G > delta but dt > ds.
    kwargs = dict(student_w=CONFIDENT_RIGHT, teacher_w=CONFIDENT_WRONG)
    with_clause, optim = build(**kwargs)
    assert with_clause.train_step(make_batch(INPUTS, LABELS),
                                  optim)['switokd/expert'] == 0.0
    paper_only, optim = build(**kwargs, require_teacher_ahead=False)
    assert paper_only.train_step(make_batch(INPUTS, LABELS),
                                 optim)['switokd/expert'] == 1.0


def test_never_switch_is_dml():
    model, optim = build(
        CONFIDENT_WRONG, CONFIDENT_RIGHT, threshold=dict(type='NeverSwitch'))
    assert model.train_step(make_batch(INPUTS, LABELS),
                            optim)['switokd/expert'] == 0.0


@pytest.mark.parametrize('teacher_loss', ['reciprocal', 'ce'])
def test_losses_equal_formulas(teacher_loss):
    torch.manual_seed(0)
    w_s, w_t = torch.randn(K, K), 3 * torch.randn(K, K)
    alpha, beta, tau = 0.7, 0.3, 2.0
    model, optim = build(
        w_s,
        w_t,
        alpha=alpha,
        beta=beta,
        tau=tau,
        teacher_loss=teacher_loss,
        threshold=dict(type='NeverSwitch'))
    log_vars = model.train_step(make_batch(INPUTS, LABELS), optim)
    # logits are the weight columns: sample i -> W[:, i]
    expected = expected_losses(w_s.T, w_t.T, LABELS, alpha, beta, tau)
    assert log_vars['student/loss'].item() == pytest.approx(
        expected['student'].item(), rel=1e-5)
    assert log_vars['student/loss_ce'].item() == pytest.approx(
        expected['ce_s'].item(), rel=1e-5)
    teacher = expected['teacher'] if teacher_loss == 'reciprocal' \
        else expected['ce_t']
    assert log_vars['teacher/loss'].item() == pytest.approx(
        teacher.item(), rel=1e-5)
    assert ('teacher/loss_kd' in log_vars) == (teacher_loss == 'reciprocal')


def test_learning_step_matches_manual_sgd_on_the_loss():
    """The update is a step on exactly the student's loss (not, say, on the
    teacher's or with a detached target missing)."""
    torch.manual_seed(1)
    w_s, w_t = torch.randn(K, K), torch.randn(K, K)
    model, optim = build(w_s, w_t, threshold=dict(type='NeverSwitch'))
    model.train_step(make_batch(INPUTS, LABELS), optim)

    ws = w_s.clone().requires_grad_()
    expected = expected_losses((ws @ INPUTS).T, (w_t @ INPUTS).T, LABELS, 1.0,
                               1.0, 1.0)['student']
    expected.backward()
    manual = w_s - 0.1 * (ws.grad + 5e-4 * w_s)  # first SGD step: no momentum
    assert torch.allclose(model.student.head.fc.weight, manual, atol=1e-6)


def test_switching_state_counts_modes_and_switches():
    model, optim = build(torch.zeros(K, K), CONFIDENT_RIGHT)
    batch = make_batch(INPUTS, LABELS)
    modes = []
    for student_w in (torch.zeros(K, K), CONFIDENT_WRONG, CONFIDENT_WRONG,
                      torch.zeros(K, K)):
        set_linear(model.student, student_w)
        modes.append(model.train_step(batch, optim)['switokd/expert'])
    assert modes == [0.0, 1.0, 1.0, 0.0]
    assert (model.num_iters.item(), model.num_expert_iters.item(),
            model.num_switches.item(), model.last_mode.item()) == (4, 2, 2, 0)
    assert {'num_iters', 'num_expert_iters', 'num_switches',
            'last_mode'} <= set(model.state_dict())


@pytest.mark.parametrize('freeze', [False, True])
def test_teacher_bn_statistics_in_expert_mode(freeze):
    model = MODELS.build(
        dict(
            type='SwitOKD',
            student=linear_classifier(K),
            teacher=linear_classifier(K, norm=True),
            freeze_teacher_bn_in_expert=freeze))
    set_linear(model.student, CONFIDENT_WRONG)
    set_linear(model.teacher, CONFIDENT_RIGHT)
    optim = make_optim(model)
    bn = model.teacher.backbone.norm
    before = snapshot(bn)
    log_vars = model.train_step(make_batch(5 * INPUTS, LABELS), optim)
    assert log_vars['switokd/expert'] == 1.0
    unchanged = all(
        torch.equal(bn.state_dict()[k], v) for k, v in before.items())
    assert unchanged == freeze


def test_non_finite_logits_stop_the_run():
    model, optim = build(torch.zeros(K, K), CONFIDENT_RIGHT)
    set_linear(model.student, torch.full((K, K), float('nan')))
    with pytest.raises(FloatingPointError, match='not finite'):
        model.train_step(make_batch(INPUTS, LABELS), optim)


@pytest.mark.parametrize('bad, match', [
    (dict(teacher=None), "network 'teacher' needs"),
    (dict(teacher=linear_classifier(K + 1, K)), 'same classes'),
    (dict(tau=0.0), 'temperatures'),
    (dict(alpha=-1.0), 'weights'),
    (dict(teacher_loss='kl'), 'teacher_loss'),
    (dict(threshold=dict(type='FixedThreshold', delta=3.0)), r'\[0, 2\]'),
])
def test_bad_config_is_refused(bad, match):
    cfg = dict(
        type='SwitOKD',
        student=linear_classifier(K),
        teacher=linear_classifier(K))
    cfg.update(bad)
    with pytest.raises((ValueError, KeyError), match=match):
        MODELS.build(cfg)


def test_unknown_backbone_is_refused():
    student = linear_classifier(K)
    student['backbone'] = dict(type='NoSuchNet')
    with pytest.raises(KeyError, match='NoSuchNet'):
        MODELS.build(
            dict(
                type='SwitOKD', student=student, teacher=linear_classifier(K)))


def test_plain_optim_wrapper_is_refused():
    from mmengine.optim import OptimWrapper
    model, _ = build(torch.zeros(K, K), CONFIDENT_RIGHT)
    plain = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    with pytest.raises(TypeError, match='one optimizer per network'):
        model.train_step(make_batch(INPUTS, LABELS), plain)


def test_predict_attaches_teacher_predictions():
    model, _ = build(CONFIDENT_WRONG, CONFIDENT_RIGHT, eval_teacher=True)
    model.eval()
    out = model.val_step(make_batch(INPUTS, LABELS))
    assert [s.pred_label.item() for s in out] == [(i + 1) % K for i in LABELS]
    assert [s.teacher.pred_label.item() for s in out] == LABELS


def test_non_finite_error_names_the_iteration():
    from mmengine.logging import MessageHub
    MessageHub.get_current_instance().update_info('iter', 41)
    model, optim = build(torch.zeros(K, K), CONFIDENT_RIGHT)
    set_linear(model.student, torch.full((K, K), float('inf')))
    with pytest.raises(FloatingPointError, match='iteration 42'):
        model.train_step(make_batch(INPUTS, LABELS), optim)


def test_the_model_reports_its_switching_without_parsing_log_keys():
    """SwitchingLoggerHook reads iteration_scalars and switching_counters:
    the last decision as iter_ scalars, and the counters."""
    model, optim = build(torch.zeros(K, K), CONFIDENT_RIGHT)
    assert model.iteration_scalars() == {}
    log_vars = model.train_step(make_batch(INPUTS, LABELS), optim)
    stats = ('gap', 'delta', 'ds', 'dt', 'expert', 'margin', 'excess_true',
             'excess_wrong')
    assert model.iteration_scalars() == {
        f'switokd/iter_{stat}': log_vars[f'switokd/{stat}']
        for stat in stats
    }
    counters = model.switching_counters()
    assert int(counters['num_iters']) == 1
    assert int(counters['num_expert_iters'].sum()) == int(
        log_vars['switokd/expert'])


@pytest.mark.parametrize('student_w', [CONFIDENT_WRONG, torch.zeros(K, K)])
def test_the_gate_margin_and_its_parts(student_w):
    """margin = (G - (ds - dt)) / (delta - (ds - dt)), above 1 exactly when
    G > delta; G - (ds - dt) = excess_true + excess_wrong (one-hot labels);
    values from the log against the logged statistics."""
    model, optim = build(student_w, CONFIDENT_RIGHT)
    log = model.train_step(make_batch(INPUTS, LABELS), optim)
    gap, delta, ds, dt = (log[f'switokd/{k}']
                          for k in ('gap', 'delta', 'ds', 'dt'))
    assert log['switokd/margin'] == pytest.approx(
        (gap - (ds - dt)) / (delta - (ds - dt)), rel=1e-5, abs=1e-5)
    assert (log['switokd/margin'] > 1) == (gap > delta)
    assert log['switokd/excess_true'] + log['switokd/excess_wrong'] == \
        pytest.approx(gap - (ds - dt), abs=1e-5)
