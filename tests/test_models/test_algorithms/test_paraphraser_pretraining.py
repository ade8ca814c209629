"""Factor transfer's first stage: a paraphraser learns to reconstruct a
frozen teacher's features; FTLoss takes it from the checkpoint."""
import copy

import pytest
import torch
import torch.nn.functional as F
from mmpretrain.registry import METRICS, MODELS, OPTIM_WRAPPER_CONSTRUCTORS

import switokd_mm.evaluation.metrics.reconstruction_error  # noqa: F401
from switokd_mm.models.algorithms.paraphraser_pretraining import (
    ERROR_FIELD, ParaphraserPretraining)
from switokd_mm.models.losses.feature.ft import FTLoss
from tests.conftest import make_batch

#: a ResNet-8 with 2 base channels: 8 x 4 x 4 features at layer3 of a
#: 16 x 16 image
TEACHER = dict(
    type='ImageClassifier',
    backbone=dict(type='CifarResNet', depth=8, base_channels=2, in_channels=1),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=3, in_channels=8))
CHANNELS = 8


def snapshot(module):
    return {k: v.clone() for k, v in module.state_dict().items()}


@pytest.fixture
def teacher_ckpt(tmp_path):
    torch.manual_seed(5)
    teacher = MODELS.build(TEACHER)
    teacher.train()
    teacher(torch.rand(8, 1, 16, 16), mode='tensor')  # non-trivial BN stats
    path = tmp_path / 'teacher.pth'
    torch.save({'state_dict': teacher.state_dict()}, path)
    return path, snapshot(teacher)


def pretraining(saved_teacher, **kwargs):
    path, _ = saved_teacher
    torch.manual_seed(0)
    cfg = dict(
        type='ParaphraserPretraining',
        teacher=TEACHER,
        teacher_ckpt=str(path),
        paraphraser=dict(type='Paraphraser', in_channels=CHANNELS, rate=0.5),
        layer='backbone.layer3')
    cfg.update(kwargs)
    model = MODELS.build(cfg)
    model.init_weights()
    return model


def optimizer(model, lr=0.05):
    return OPTIM_WRAPPER_CONSTRUCTORS.build(
        dict(
            type='PerNetworkOptimWrapperConstructor',
            optim_wrapper_cfg=dict(
                paraphraser=dict(
                    optimizer=dict(
                        type='SGD', lr=lr, momentum=0.9,
                        weight_decay=5e-4)))))(
                            model)


def batch(size=6, seed=1):
    torch.manual_seed(seed)
    inputs = torch.rand(size, 1, 16, 16)
    data = make_batch(inputs.flatten(1), [i % 3 for i in range(size)])
    data['inputs'] = list(inputs)
    return data


def features_by_hand(model, data):
    """The teacher's layer3 output, computed without the model's hooks."""
    backbone = model.teacher.backbone
    x = torch.stack(data['inputs'])
    with torch.no_grad():
        x = backbone.relu(backbone.bn1(backbone.conv1(x)))
        return backbone.layer3(backbone.layer2(backbone.layer1(x)))


def test_learners_roles_and_the_loaded_frozen_teacher(teacher_ckpt):
    _, saved = teacher_ckpt
    model = pretraining(teacher_ckpt)
    assert model.roles == {'teacher': 'teacher', 'paraphraser': 'paraphraser'}
    assert list(model.nets) == ['teacher']
    assert list(model.learners) == ['teacher', 'paraphraser']
    assert model.eval_networks == [] and model.students == []
    for key, value in saved.items():
        assert torch.equal(model.teacher.state_dict()[key], value), key
    assert not any(p.requires_grad for p in model.teacher.parameters())
    model.train()
    assert model.paraphraser.training and not model.teacher.training


def test_a_step_is_the_mse_and_changes_only_the_paraphraser(teacher_ckpt):
    _, saved = teacher_ckpt
    model = pretraining(teacher_ckpt)
    optim = optimizer(model)
    model.train()
    data = batch()
    features = features_by_hand(model, data)
    with torch.no_grad():
        expected = F.mse_loss(model.paraphraser(features), features)
    before = snapshot(model.paraphraser)
    log_vars = model.train_step(data, optim)
    assert log_vars['paraphraser/loss_reconstruction'].item() == \
        pytest.approx(expected.item(), rel=1e-5)
    assert log_vars['loss'] == log_vars['paraphraser/loss_reconstruction']
    for _ in range(2):
        model.train_step(data, optim)
    for key, value in saved.items():  # weights and BN statistics
        assert torch.equal(model.teacher.state_dict()[key], value), key
    assert all(not torch.equal(value, before[key])
               for key, value in model.paraphraser.state_dict().items())


def test_the_reconstruction_error_falls_on_a_fixed_batch(teacher_ckpt):
    model = pretraining(teacher_ckpt)
    optim = optimizer(model, lr=0.1)
    model.train()
    data = batch()
    losses = [model.train_step(data, optim)['loss'].item() for _ in range(10)]
    assert all(later < first for first, later in zip(losses, losses[1:]))
    assert losses[-1] < 0.6 * losses[0]
    # what validation reports is the same error, per sample
    model.eval()
    samples = model.val_step(batch())
    errors = torch.stack([s.get(ERROR_FIELD) for s in samples])
    features = features_by_hand(model, data)
    with torch.no_grad():
        by_hand = (model.paraphraser(features) -
                   features).pow(2).flatten(1).mean(1)
    assert torch.allclose(errors, by_hand, rtol=1e-5)
    metric = METRICS.build(dict(type='ReconstructionError'))
    metric.process(data, [s.to_dict() for s in samples])
    result = metric.evaluate(len(samples))
    assert result['reconstruction/mse'] == pytest.approx(
        by_hand.mean().item(), rel=1e-5)


def test_its_checkpoint_gives_ft_loss_the_paraphraser_exactly(
        teacher_ckpt, tmp_path):
    model = pretraining(teacher_ckpt)
    model.train()
    model.train_step(batch(), optimizer(model))
    path = tmp_path / 'epoch_1.pth'
    torch.save({'state_dict': model.state_dict(), 'meta': {}}, path)
    loss = FTLoss(
        student_channels=4, teacher_channels=CHANNELS, paraphraser_ckpt=path)
    loss.load_paraphraser()
    for key, value in model.paraphraser.state_dict().items():
        assert torch.equal(loss.paraphraser.state_dict()[key], value), key
    # the factor FTLoss transfers is the trained encoder's
    features = features_by_hand(model, batch())
    assert torch.equal(
        loss.paraphraser.encode(features), model.paraphraser.encode(features))
    other_rate = FTLoss(
        student_channels=4,
        teacher_channels=CHANNELS,
        rate=0.25,
        paraphraser_ckpt=path)
    with pytest.raises(RuntimeError, match='another architecture'):
        other_rate.load_paraphraser()


@pytest.mark.parametrize('kwargs, error, match', [
    (dict(teacher_ckpt=None), ValueError, 'teacher_ckpt'),
    (dict(layer='backbone.layer9'), ValueError, 'no module'),
])
def test_bad_config(teacher_ckpt, kwargs, error, match):
    with pytest.raises(error, match=match):
        pretraining(teacher_ckpt, **kwargs)


def test_a_paraphraser_of_other_channels_is_named(teacher_ckpt):
    model = pretraining(
        teacher_ckpt,
        paraphraser=dict(type='Paraphraser', in_channels=CHANNELS, rate=0.5),
        layer='backbone.layer2')  # 4 channels
    with pytest.raises(RuntimeError):
        model.train_step(batch(), optimizer(model))
    model = pretraining(teacher_ckpt)
    with pytest.raises(KeyError, match='paraphraser'):
        model.train_step(batch(), optimizer_for_nothing(model))


def optimizer_for_nothing(model):
    """An optimizer of a network that is not the paraphraser."""
    teacher = copy.deepcopy(model.teacher).requires_grad_(True)
    model.add_module('spare', teacher)
    optim = OPTIM_WRAPPER_CONSTRUCTORS.build(
        dict(
            type='PerNetworkOptimWrapperConstructor',
            optim_wrapper_cfg=dict(
                spare=dict(optimizer=dict(type='SGD', lr=0.1)))))(
                    model)
    del model.spare
    return optim


def test_tensor_mode_gives_the_reconstruction(teacher_ckpt):
    model = pretraining(teacher_ckpt)
    model.eval()
    data = batch()
    features = features_by_hand(model, data)
    with torch.no_grad():
        out = model(torch.stack(data['inputs']), mode='tensor')
        assert torch.equal(out, model.paraphraser(features))
    with pytest.raises(RuntimeError, match="invalid mode 'loss'"):
        model(torch.stack(data['inputs']), mode='loss')


def test_is_a_multi_network_model_registered():
    assert MODELS.get('ParaphraserPretraining') is ParaphraserPretraining


def test_a_run_of_the_config_through_tools_train(tmp_path, fashion_mnist_root):
    """The Fashion-MNIST config, shrunk (tests/fixtures), through
    tools/train.py: the paraphraser learns, the teacher is the file's, and
    validation reports the reconstruction error."""
    from mmengine.config import Config
    from mmengine.runner.checkpoint import _load_checkpoint

    from switokd_mm.utils import load_records
    from tests.conftest import REPO, run_train
    config = REPO / 'tests' / 'fixtures' / \
        'tiny_paraphraser_pretraining_fashion_mnist.py'
    torch.manual_seed(0)
    teacher = MODELS.build(Config.fromfile(str(config)).model.teacher)
    teacher.train()
    teacher(torch.randn(16, 1, 28, 28), mode='tensor')  # BN statistics
    teacher_path = tmp_path / 'teacher.pth'
    torch.save({'state_dict': teacher.state_dict()}, teacher_path)

    run_train(
        tmp_path / 'run',
        fashion_mnist_root,
        'ft_paraphraser',
        '--cfg-options',
        f'model.teacher_ckpt={teacher_path}',
        config=config)
    records = load_records(tmp_path / 'run')
    losses = [
        r['paraphraser/loss_reconstruction'] for r in records
        if 'paraphraser/loss_reconstruction' in r
    ]
    assert len(losses) == 2 and all(loss > 0 for loss in losses)
    assert any('reconstruction/mse' in r for r in records)
    state = _load_checkpoint(str(tmp_path / 'run' /
                                 'epoch_1.pth'))['state_dict']
    for key, value in teacher.state_dict().items():
        assert torch.equal(state[f'teacher.{key}'], value), key

    loss = FTLoss(
        student_channels=8,
        teacher_channels=64,
        paraphraser_ckpt=str(tmp_path / 'run' / 'epoch_1.pth'))
    loss.load_paraphraser()
    for key, value in loss.paraphraser.state_dict().items():
        assert torch.equal(state[f'paraphraser.{key}'], value), key
