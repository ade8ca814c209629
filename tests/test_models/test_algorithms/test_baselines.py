"""Baselines on controlled logits: DML and offline KD equal their formulas."""
import pytest
import torch
from mmpretrain.registry import MODELS

from tests.conftest import linear_classifier, make_batch, set_linear
from tests.fixtures.linear_pair import (CONFIDENT_RIGHT, CONFIDENT_WRONG,
                                        INPUTS, LABELS, K, expected_losses,
                                        make_optim, snapshot)


def test_dml_never_pauses_and_is_symmetric():
    model = MODELS.build(
        dict(
            type='DML',
            student=linear_classifier(K),
            teacher=linear_classifier(K)))
    # the pair on which SwitOKD pauses the teacher (test_switokd)
    set_linear(model.student, CONFIDENT_WRONG)
    set_linear(model.teacher, CONFIDENT_RIGHT)
    teacher_before = snapshot(model.teacher)
    log_vars = model.train_step(make_batch(INPUTS, LABELS), make_optim(model))
    assert log_vars['switokd/expert'] == 0.0
    assert not torch.equal(model.teacher.head.fc.weight,
                           teacher_before['head.fc.weight'])
    # logits are the weight columns
    expected = expected_losses(CONFIDENT_WRONG.T, CONFIDENT_RIGHT.T, LABELS,
                               1.0, 1.0, 1.0)
    assert log_vars['student/loss'].item() == pytest.approx(
        expected['student'].item(), rel=1e-5)
    assert log_vars['teacher/loss'].item() == pytest.approx(
        expected['teacher'].item(), rel=1e-5)


def test_dml_takes_no_threshold():
    with pytest.raises(ValueError, match='never switches'):
        MODELS.build(
            dict(
                type='DML',
                student=linear_classifier(K),
                teacher=linear_classifier(K),
                threshold=dict(type='AdaptiveThreshold')))


@pytest.fixture
def teacher_ckpt(tmp_path):
    teacher = MODELS.build(linear_classifier(K, norm=True))
    torch.manual_seed(3)
    set_linear(teacher, 2 * torch.randn(K, K))
    teacher.train()
    teacher(torch.randn(6, K, 1, 1), mode='tensor')  # non-trivial BN stats
    path = tmp_path / 'teacher.pth'
    torch.save({'state_dict': teacher.state_dict()}, path)
    return path, snapshot(teacher)


def build_offline(teacher_ckpt, **kwargs):
    path, _ = teacher_ckpt
    model = MODELS.build(
        dict(
            type='OfflineKD',
            student=linear_classifier(K),
            teacher=linear_classifier(K, norm=True),
            teacher_ckpt=str(path),
            **kwargs))
    model.init_weights()
    return model


def test_offline_kd_loads_and_freezes_the_teacher(teacher_ckpt):
    _, saved = teacher_ckpt
    model = build_offline(teacher_ckpt)
    for key, value in saved.items():
        assert torch.equal(model.teacher.state_dict()[key], value), key
    optim = make_optim(model)
    model.train()
    for _ in range(3):
        model.train_step(make_batch(5 * INPUTS, LABELS), optim)
    for key, value in saved.items():  # weights and BN statistics
        assert torch.equal(model.teacher.state_dict()[key], value), key
    assert not any(p.requires_grad for p in model.teacher.parameters())
    assert not model.teacher.training


def test_offline_kd_loss_formula(teacher_ckpt):
    alpha, tau = 0.3, 2.0
    model = build_offline(teacher_ckpt, alpha=alpha, tau=tau)
    torch.manual_seed(4)
    set_linear(model.student, torch.randn(K, K))
    model.train()
    inputs = 5 * INPUTS
    with torch.no_grad():
        z_t = model.teacher(inputs.view(K, K, 1, 1), mode='tensor')
        z_s = model.student(inputs.view(K, K, 1, 1), mode='tensor')
    log_vars = model.train_step(make_batch(inputs, LABELS), make_optim(model))
    parts = expected_losses(z_s, z_t, LABELS, 1.0, 1.0, tau)
    kd = parts['student'] - parts['ce_s']  # tau^2 KL(p_t || p_s)
    expected = alpha * parts['ce_s'] + (1 - alpha) * kd
    assert log_vars['student/loss'].item() == pytest.approx(
        expected.item(), rel=1e-5)


@pytest.mark.parametrize('kwargs, match', [
    (dict(teacher_ckpt=None), 'teacher_ckpt'),
    (dict(alpha=1.5), r'\[0, 1\]'),
])
def test_offline_kd_bad_config(kwargs, match):
    cfg = dict(
        type='OfflineKD',
        student=linear_classifier(K),
        teacher=linear_classifier(K),
        teacher_ckpt='t.pth')
    cfg.update(kwargs)
    with pytest.raises(ValueError, match=match):
        MODELS.build(cfg)


def test_min_logit_ensemble_hand_computed():
    from switokd_mm.models.losses import min_logit_ensemble
    z1 = torch.tensor([[2.0, 1.0, 0.0], [2.0, 1.0, 0.0]])
    z2 = torch.tensor([[1.0, 3.0, 0.0], [1.0, 3.0, 0.0]])
    # label 0: z1 - 2 = (0, -1, -2), z2 - 1 = (0, 2, -1) -> (0, -1, -2)
    # label 1: z1 - 1 = (1, 0, -1), z2 - 3 = (-2, 0, -3) -> (-2, 0, -3)
    ensemble = min_logit_ensemble([z1, z2], torch.tensor([0, 1]))
    assert ensemble.tolist() == [[0.0, -1.0, -2.0], [-2.0, 0.0, -3.0]]


def test_kdcl_trains_both_towards_the_ensemble():
    tau = 2.0
    model = MODELS.build(
        dict(
            type='KDCL',
            student=linear_classifier(K),
            teacher=linear_classifier(K),
            tau=tau))
    torch.manual_seed(5)
    w_s, w_t = torch.randn(K, K), torch.randn(K, K)
    set_linear(model.student, w_s)
    set_linear(model.teacher, w_t)
    log_vars = model.train_step(make_batch(INPUTS, LABELS), make_optim(model))
    z_s, z_t, y = w_s.T, w_t.T, torch.tensor(LABELS)
    z_m = torch.minimum(z_s - z_s.gather(1, y.view(-1, 1)),
                        z_t - z_t.gather(1, y.view(-1, 1)))
    for name, z in (('student', z_s), ('teacher', z_t)):
        kl = (torch.softmax(z_m / tau, 1) *
              (torch.log_softmax(z_m / tau, 1) -
               torch.log_softmax(z / tau, 1))).sum(1).mean() * tau**2
        expected = torch.nn.functional.cross_entropy(z, y) + kl
        assert log_vars[f'{name}/loss'].item() == pytest.approx(
            expected.item(), rel=1e-5)
    assert not torch.equal(model.student.head.fc.weight, w_s)
    assert not torch.equal(model.teacher.head.fc.weight, w_t)


def test_offline_kd_takes_the_teacher_of_a_training_checkpoint(
        teacher_ckpt, tmp_path):
    """A two-network training checkpoint: its ``teacher.*`` weights."""
    path, saved = teacher_ckpt
    weights = torch.load(path, weights_only=True)['state_dict']
    both = {f'teacher.{k}': v for k, v in weights.items()}
    both.update({f'student.{k}': v + 1 for k, v in weights.items()})
    torch.save({'state_dict': both}, tmp_path / 'switokd.pth')
    model = build_offline((tmp_path / 'switokd.pth', saved))
    for key, value in saved.items():
        assert torch.equal(model.teacher.state_dict()[key], value), key


def test_offline_kd_refuses_a_checkpoint_that_does_not_fit(tmp_path):
    torch.save({'state_dict': {'other.weight': torch.ones(1)}},
               tmp_path / 'other.pth')
    with pytest.raises(RuntimeError, match='other.pth holds none'):
        build_offline((tmp_path / 'other.pth', None))


def test_offline_kd_teacher_ckpt_payload_is_refused(tmp_path):
    from switokd_mm.checkpoint import (UnsafeCheckpointError,
                                       enable_safe_checkpoints)
    from tests.test_checkpoint.test_file_loader import Payload
    enable_safe_checkpoints()  # as SafeRunner does
    marker = tmp_path / 'pwned'
    torch.save({'state_dict': Payload(marker)}, tmp_path / 'evil.pth')
    with pytest.raises(UnsafeCheckpointError):
        build_offline((tmp_path / 'evil.pth', None))
    assert not marker.exists()
