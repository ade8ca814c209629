"""Factor transfer: the FT loss against an independent float64 computation,
per-sample weights, a frozen pre-trained paraphraser loaded exactly and a
translator that the student's optimizer trains."""
import copy

import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmpretrain.registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS

from switokd_mm.models.losses.feature.ft import (FTLoss, Paraphraser,
                                                 Translator, factor_channels)
from tests.conftest import make_batch

#: the tiny runs' student (ResNet-8, 8 x 7 x 7 at layer3) and teacher
#: (WRN-10-1, 64 x 7 x 7 at its last stage)
STUDENT_CHANNELS, TEACHER_CHANNELS = 8, 64


def saved_paraphraser(path, channels=TEACHER_CHANNELS, rate=0.5, seed=3):
    """A paraphraser with seeded weights, saved as a pre-training
    checkpoint would hold it (``paraphraser.*`` beside ``teacher.*``)."""
    torch.manual_seed(seed)
    paraphraser = Paraphraser(channels, rate)
    state = {
        f'paraphraser.{k}': v
        for k, v in paraphraser.state_dict().items()
    }
    state['teacher.head.fc.weight'] = torch.ones(2, 2)
    torch.save({'state_dict': state, 'meta': {}}, path)
    return {k: v.clone() for k, v in paraphraser.state_dict().items()}


@pytest.fixture
def paraphraser_ckpt(tmp_path):
    path = tmp_path / 'paraphraser.pth'
    return path, saved_paraphraser(path)


def ft_loss(path, **kwargs):
    kwargs.setdefault('student_channels', STUDENT_CHANNELS)
    kwargs.setdefault('teacher_channels', TEACHER_CHANNELS)
    return FTLoss(paraphraser_ckpt=str(path), **kwargs)


def conv_stack64(x, stack, transposed=False):
    """The stack's convolutions and LeakyReLUs in float64, by hand."""
    convs = [m for m in stack if isinstance(m, torch.nn.modules.conv._ConvNd)]
    for conv in convs:
        op = F.conv_transpose2d if transposed else F.conv2d
        x = op(x, conv.weight.double(), conv.bias.double(), padding=1)
        x = torch.where(x > 0, x, 0.1 * x)
    return x


def expected_ft(loss, student, teacher, p, weight):
    """The paper's loss, written independently, in float64."""
    factor_t = conv_stack64(teacher.double(), loss.paraphraser.encoder)
    factor_s = conv_stack64(student.double(), loss.translator.encoder)
    f_t = factor_t.reshape(len(teacher), -1)
    f_s = factor_s.reshape(len(student), -1)
    f_t = f_t / f_t.pow(2).sum(1, keepdim=True).sqrt()
    f_s = f_s / f_s.pow(2).sum(1, keepdim=True).sqrt()
    per_sample = (f_t - f_s).abs().pow(p).sum(1).pow(1 / p)
    return (per_sample * weight.double()).mean()


@pytest.mark.parametrize('p', [1, 2])
def test_ft_loss_against_an_independent_float64_computation(
        paraphraser_ckpt, p):
    path, _ = paraphraser_ckpt
    loss = ft_loss(path, p=p, loss_weight=2.5)
    loss.load_paraphraser()
    torch.manual_seed(0)
    student = torch.randn(3, STUDENT_CHANNELS, 4, 5)
    teacher = torch.randn(3, TEACHER_CHANNELS, 4, 5)
    weight = torch.tensor([1.0, 0.5, 2.0])
    expected = 2.5 * expected_ft(loss, student, teacher, p, weight)
    # float32 as in training
    assert loss(student, teacher, weight).item() == pytest.approx(
        expected.item(), rel=1e-5)
    # the module in float64 agrees to rounding
    assert loss.double()(student.double(), teacher.double(),
                         weight).item() == pytest.approx(
                             expected.item(), rel=1e-12)


def test_the_authors_mean_is_the_norm_over_the_factor_size(paraphraser_ckpt):
    # train_student.py of the FT authors: beta * L1Loss(FT(f_s), FT(f_t))
    path, _ = paraphraser_ckpt
    loss = ft_loss(path)
    loss.load_paraphraser()
    torch.manual_seed(0)
    student = torch.randn(2, STUDENT_CHANNELS, 3, 3)
    teacher = torch.randn(2, TEACHER_CHANNELS, 3, 3)
    with torch.no_grad():
        f_s = F.normalize(loss.translator(student).flatten(1))
        f_t = F.normalize(loss.paraphraser.encode(teacher).flatten(1))
    authors = F.l1_loss(f_s, f_t)
    factor_size = f_s.size(1)
    assert factor_size == 32 * 3 * 3
    assert loss(student, teacher).item() == pytest.approx(
        factor_size * authors.item(), rel=1e-5)


def test_a_sample_of_weight_zero_gets_no_gradient(paraphraser_ckpt):
    path, _ = paraphraser_ckpt
    loss = ft_loss(path)
    loss.init_weights()
    torch.manual_seed(0)
    student = torch.randn(3, STUDENT_CHANNELS, 4, 4, requires_grad=True)
    teacher = torch.randn(3, TEACHER_CHANNELS, 4, 4)
    weight = torch.tensor([1.0, 0.0, 2.0])
    loss(student, teacher, weight).backward()
    assert torch.count_nonzero(student.grad[1]) == 0
    assert torch.count_nonzero(student.grad[0]) > 0
    assert torch.count_nonzero(student.grad[2]) > 0
    kept = loss(student[[0, 2]], teacher[[0, 2]], torch.tensor([1.0, 2.0]))
    # weight 0 removes the sample; the mean still divides by the batch
    assert loss(student, teacher,
                weight).item() == pytest.approx(kept.item() * 2 / 3)
    assert all(p.grad is None for p in loss.paraphraser.parameters())


def test_missing_paraphraser_ckpt_says_to_pre_train_one():
    for missing in (None, ''):
        with pytest.raises(ValueError, match='ft-paraphraser_wrn16-1'):
            FTLoss(
                STUDENT_CHANNELS, TEACHER_CHANNELS, paraphraser_ckpt=missing)
    with pytest.raises(ValueError, match='paraphraser_ckpt'):
        MODELS.build(
            dict(type='FTLoss', student_channels=8, teacher_channels=64))


def test_the_paraphraser_is_loaded_exactly_and_frozen(paraphraser_ckpt,
                                                      tmp_path):
    path, saved = paraphraser_ckpt
    loss = ft_loss(path)
    assert not loss.paraphraser_loaded  # nothing is read at build time
    loss.init_weights()
    assert loss.paraphraser_loaded
    for key, value in saved.items():
        assert torch.equal(loss.paraphraser.state_dict()[key], value), key
    assert not any(p.requires_grad for p in loss.paraphraser.parameters())
    assert all(p.requires_grad for p in loss.translator.parameters())
    loss.train()
    assert loss.translator.training and not loss.paraphraser.training
    # a paraphraser's own state dict is a checkpoint too
    torch.save(saved, tmp_path / 'own.pth')
    own = ft_loss(tmp_path / 'own.pth')
    own.load_paraphraser()
    for key, value in saved.items():
        assert torch.equal(own.paraphraser.state_dict()[key], value), key


def test_a_paraphraser_of_another_shape_is_refused(tmp_path):
    saved_paraphraser(tmp_path / 'rate.pth', rate=0.25)
    with pytest.raises(RuntimeError, match='another architecture'):
        ft_loss(tmp_path / 'rate.pth').load_paraphraser()
    torch.manual_seed(0)
    torch.save({'state_dict': {
        'teacher.x': torch.ones(1)
    }}, tmp_path / 'teacher_only.pth')
    with pytest.raises(RuntimeError, match='none of the weights'):
        ft_loss(tmp_path / 'teacher_only.pth').load_paraphraser()


def test_a_loss_without_its_paraphraser_is_refused_unless_a_state_dict_had_it(
        paraphraser_ckpt):
    path, saved = paraphraser_ckpt
    student = torch.randn(2, STUDENT_CHANNELS, 3, 3)
    teacher = torch.randn(2, TEACHER_CHANNELS, 3, 3)
    unloaded = ft_loss(path)
    with pytest.raises(RuntimeError, match='init_weights'):
        unloaded(student, teacher)
    # a run's checkpoint (e.g. a resume) brings the paraphraser along: the
    # file is not read
    loaded = ft_loss(path)
    loaded.init_weights()
    other = ft_loss(path)
    state = copy.deepcopy(loaded.state_dict())
    state['paraphraser.encoder.0.bias'] += 1
    other.load_state_dict(state)
    path.unlink()
    other(student, teacher)
    assert torch.equal(other.paraphraser.encoder[0].bias,
                       state['paraphraser.encoder.0.bias'])


def test_shapes_that_cannot_match_are_named(paraphraser_ckpt):
    path, _ = paraphraser_ckpt
    loss = ft_loss(path)
    with pytest.raises(ValueError, match='8 and 64 channels'):
        loss(torch.zeros(2, 16, 7, 7), torch.zeros(2, 64, 7, 7))
    with pytest.raises(ValueError, match='same B, H and W'):
        loss(torch.zeros(2, 8, 7, 7), torch.zeros(2, 64, 14, 14))
    with pytest.raises(ValueError, match='rate'):
        factor_channels(64, 0.001)


def test_architecture_of_the_releases():
    paraphraser = Paraphraser(64, rate=0.5)
    assert paraphraser.factor_channels == 32
    x = torch.randn(2, 64, 7, 7)
    assert paraphraser.encode(x).shape == (2, 32, 7, 7)
    assert paraphraser(x).shape == x.shape
    convs = [(type(m).__name__, m.in_channels, m.out_channels, m.kernel_size)
             for m in paraphraser.modules()
             if isinstance(m, torch.nn.modules.conv._ConvNd)]
    assert convs == [('Conv2d', 64, 64, (3, 3)), ('Conv2d', 64, 32, (3, 3)),
                     ('Conv2d', 32, 32, (3, 3)),
                     ('ConvTranspose2d', 32, 32, (3, 3)),
                     ('ConvTranspose2d', 32, 64, (3, 3)),
                     ('ConvTranspose2d', 64, 64, (3, 3))]
    slopes = {
        m.negative_slope
        for m in paraphraser.modules() if isinstance(m, torch.nn.LeakyReLU)
    }
    assert slopes == {0.1}
    assert Translator(8, 32)(torch.randn(2, 8, 7, 7)).shape == (2, 32, 7, 7)
    assert any(
        isinstance(m, torch.nn.BatchNorm2d)
        for m in Paraphraser(64, with_bn=True).modules())


# --- as an offline-KD term of the tiny Fashion-MNIST pair -----------------


def ft_term(path):
    return dict(
        source='teacher.backbone.stages.2',
        target='student.backbone.layer3',
        loss=dict(
            type='FTLoss',
            student_channels=STUDENT_CHANNELS,
            teacher_channels=TEACHER_CHANNELS,
            paraphraser_ckpt=str(path),
            loss_weight=10.0),
        name='ft')


def offline_kd_with_ft(tmp_path, paraphraser_path):
    pair = Config.fromfile('tests/fixtures/tiny_kdcl_fashion_mnist.py').model
    torch.manual_seed(0)
    teacher = MODELS.build(pair.teacher)
    torch.save({'state_dict': teacher.state_dict()}, tmp_path / 'teacher.pth')
    model = MODELS.build(
        dict(
            type='OfflineKD',
            student=pair.student,
            teacher=pair.teacher,
            teacher_ckpt=str(tmp_path / 'teacher.pth'),
            alpha=1.0,
            distill_terms=[ft_term(paraphraser_path)]))
    optim = OPTIM_WRAPPER_CONSTRUCTORS.build(
        dict(
            type='PerNetworkOptimWrapperConstructor',
            optim_wrapper_cfg=dict(
                student=dict(
                    optimizer=dict(
                        type='SGD', lr=0.1, momentum=0.9,
                        weight_decay=5e-4)))))(
                            model)
    return model, optim


def batch(size=4):
    torch.manual_seed(1)
    inputs = torch.rand(size, 1, 28, 28) * 255
    data = make_batch(inputs.flatten(1), range(size))
    data['inputs'] = list(inputs)
    return data


def test_the_student_trains_the_translator_never_the_paraphraser(
        paraphraser_ckpt, tmp_path):
    path, saved = paraphraser_ckpt
    model, optim = offline_kd_with_ft(tmp_path, path)
    loss = model.student.distill_losses.ft
    assert isinstance(loss, FTLoss)
    # the model's init_weights reaches the term's loss and loads the file
    assert not loss.paraphraser_loaded
    model.init_weights()
    assert loss.paraphraser_loaded
    translator = copy.deepcopy(loss.translator.state_dict())
    model.train()
    assert not loss.paraphraser.training
    for _ in range(3):
        log_vars = model.train_step(batch(), optim)
        assert log_vars['student/loss_ft'] > 0
    assert not loss.paraphraser.training
    state = loss.paraphraser.state_dict()
    for key, value in saved.items():  # bit-identical to the file
        assert torch.equal(state[key], value), key
    assert all(not torch.equal(value, translator[key])
               for key, value in loss.translator.state_dict().items())
    # the student's checkpoint keys hold both; its optimizer moves only
    # parameters that have a gradient
    keys = model.state_dict()
    assert 'student.distill_losses.ft.paraphraser.encoder.0.weight' in keys
    assert 'student.distill_losses.ft.translator.encoder.0.weight' in keys
