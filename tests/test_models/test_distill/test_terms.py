"""Config-declared feature distillation terms: recorded through forward
hooks, added to the target's loss, connectors owned and stepped by the
target network's optimizer."""
import copy
import functools

import pytest
import torch
from mmengine.config import Config
from mmpretrain.registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS

from switokd_mm.models.losses import ATLoss, FitNetLoss
from tests.conftest import make_batch

#: the FitNet and AT terms of the Fashion-MNIST fixtures
TERMS = Config.fromfile('tests/fixtures/fitnet_at_terms.py').fitnet_at_terms


@functools.lru_cache()
def tiny_pair() -> tuple:
    """Student and teacher configs of the Fashion-MNIST fixtures (read in
    a test: the config's mmpretrain base imports pkg_resources)."""
    model = Config.fromfile('tests/fixtures/tiny_kdcl_fashion_mnist.py').model
    return model.student, model.teacher


def batch(size=4):
    torch.manual_seed(1)
    inputs = torch.rand(size, 1, 28, 28) * 255
    batch = make_batch(inputs.flatten(1), range(size))
    batch['inputs'] = list(inputs)
    return batch


def optimizers(model, *names):
    sgd = dict(optimizer=dict(type='SGD', lr=0.1, momentum=0.9))
    return OPTIM_WRAPPER_CONSTRUCTORS.build(
        dict(
            type='PerNetworkOptimWrapperConstructor',
            optim_wrapper_cfg={name: copy.deepcopy(sgd)
                               for name in names}))(
                                   model)


def switokd(**kwargs):
    torch.manual_seed(0)
    kwargs.setdefault('distill_terms', TERMS)
    model = MODELS.build(
        dict(
            type='SwitOKD',
            student=tiny_pair()[0],
            teacher=tiny_pair()[1],
            # G <= 2 always: learning mode, both networks learn
            threshold=dict(type='FixedThreshold', delta=2.0),
            **kwargs))
    return model, optimizers(model, 'student', 'teacher')


def recorded(model, data):
    """The two stages' outputs, recorded by hooks of the test's own."""
    outputs = {}
    hooks = [
        model.student.backbone.layer3.register_forward_hook(
            lambda m, i, o: outputs.__setitem__('student', o)),
        model.teacher.backbone.stages[2].register_forward_hook(
            lambda m, i, o: outputs.__setitem__('teacher', o)),
    ]
    with torch.no_grad():
        processed = model.data_preprocessor(data, True)['inputs']
        model.student(processed, mode='tensor')
        model.teacher(processed, mode='tensor')
    for hook in hooks:
        hook.remove()
    return outputs


def test_terms_are_added_to_the_students_loss_with_their_values():
    model, optim = switokd()
    before = copy.deepcopy(model)
    data = batch()
    log_vars = model.train_step(data, optim)

    features = recorded(before.train(), data)
    connector = before.student.distill_connectors['fitnet_teacher']
    fitnet = FitNetLoss()(connector(features['student']), features['teacher'])
    at = ATLoss(1000.0)(features['student'], features['teacher'])
    assert log_vars['student/loss_fitnet_teacher'].item() == pytest.approx(
        fitnet.item(), rel=1e-5)
    assert log_vars['student/loss_at_teacher'].item() == pytest.approx(
        at.item(), rel=1e-5)
    parts = ('loss_ce', 'loss_kd', 'loss_fitnet_teacher', 'loss_at_teacher')
    assert log_vars['student/loss'].item() == pytest.approx(
        sum(log_vars[f'student/{p}'].item() for p in parts), rel=1e-6)
    assert not any('fitnet' in key or '_at_' in key
                   for key in log_vars if key.startswith('teacher/'))


def test_the_connector_is_the_students_and_is_stepped_by_its_optimizer():
    model, optim = switokd()
    connector = model.student.distill_connectors['fitnet_teacher']
    in_student = {
        id(p)
        for group in optim['student'].optimizer.param_groups
        for p in group['params']
    }
    in_teacher = {
        id(p)
        for group in optim['teacher'].optimizer.param_groups
        for p in group['params']
    }
    assert {id(p) for p in connector.parameters()} <= in_student
    assert not {id(p) for p in connector.parameters()} & in_teacher
    weight = connector.conv.weight.detach().clone()
    model.train_step(batch(), optim)
    assert not torch.equal(connector.conv.weight, weight)
    assert 'student.distill_connectors.fitnet_teacher.conv.weight' in \
        model.state_dict()


def test_offline_kd_takes_a_config_term(tmp_path):
    torch.manual_seed(0)
    teacher = MODELS.build(tiny_pair()[1])
    torch.save(dict(state_dict=teacher.state_dict()), tmp_path / 't.pth')
    model = MODELS.build(
        dict(
            type='OfflineKD',
            student=tiny_pair()[0],
            teacher=tiny_pair()[1],
            teacher_ckpt=str(tmp_path / 't.pth'),
            distill_terms=TERMS[1:]))
    model.init_weights()
    model.train()  # as the runner does: the teacher stays in eval mode
    optim = optimizers(model, 'student')
    teacher_before = copy.deepcopy(model.teacher.state_dict())
    log_vars = model.train_step(batch(), optim)
    assert log_vars['student/loss_at_teacher'] > 0
    assert log_vars['student/loss'].item() == pytest.approx(
        sum(log_vars[f'student/{k}'].item()
            for k in ('loss_ce', 'loss_kd', 'loss_at_teacher')),
        rel=1e-6)
    for key, value in model.teacher.state_dict().items():
        assert torch.equal(value, teacher_before[key]), key


@pytest.mark.parametrize('term, message', [
    (dict(TERMS[1], source='assistant.backbone.layer3'), 'assistant'),
    (dict(TERMS[1], source='teacher.backbone.stage9'), 'stage9'),
    (dict(TERMS[1], target='teacher.backbone.stages.2'), 'both sides'),
    (dict(TERMS[1], weight=2), 'needs source, target and loss'),
])
def test_bad_terms_are_named(term, message):
    with pytest.raises(ValueError, match=message):
        MODELS.build(
            dict(
                type='SwitOKD',
                student=tiny_pair()[0],
                teacher=tiny_pair()[1],
                distill_terms=[term]))


def test_export_leaves_the_connectors_and_loss_modules_out(tmp_path):
    from tools.model_converters.export_student import export
    model, _ = switokd(distill_terms=TERMS + [CRD_TERM])
    stored = Config(
        dict(
            default_scope='mmpretrain',
            model=dict(
                type='SwitOKD',
                student=tiny_pair()[0],
                teacher=tiny_pair()[1],
                distill_terms=TERMS + [CRD_TERM])))
    torch.save(
        dict(state_dict=model.state_dict(), meta=dict(cfg=stored.pretty_text)),
        tmp_path / 'fitnet.pth')
    stem = export(str(tmp_path / 'fitnet.pth'), str(tmp_path / 'out'))
    weights = torch.load(f"{stem['student']}.pth", weights_only=True)
    assert weights['state_dict'].keys() == MODELS.build(
        tiny_pair()[0]).state_dict().keys()


CRD_TERM = dict(
    source='teacher.neck',
    target='student.neck',
    loss=dict(
        type='CRDLoss',
        student_channels=8,
        teacher_channels=64,
        num_samples=16,
        embed_dim=4,
        num_negatives=5))


def test_a_loss_with_a_memory_is_the_students_and_reads_sample_indices():
    model, optim = switokd(distill_terms=[CRD_TERM])
    crd = model.student.distill_losses['crd_teacher']
    in_student = {
        id(p)
        for group in optim['student'].optimizer.param_groups
        for p in group['params']
    }
    assert {id(p) for p in crd.parameters()} <= in_student
    data = batch()
    for index, sample in zip([3, 9, 0, 12], data['data_samples']):
        sample.set_metainfo(dict(sample_idx=index))
    memory = crd.memory_student.clone()
    embedding = crd.embed_student.weight.detach().clone()
    log_vars = model.train_step(data, optim)
    assert log_vars['student/loss_crd_teacher'] > 0
    changed = (crd.memory_student != memory).any(1).nonzero().flatten()
    assert changed.tolist() == [0, 3, 9, 12]
    assert not torch.equal(crd.embed_student.weight, embedding)
    assert 'student.distill_losses.crd_teacher.memory_student' in \
        model.state_dict()


def test_a_batch_without_sample_indices_is_refused_for_a_memory():
    model, optim = switokd(distill_terms=[CRD_TERM])
    with pytest.raises(KeyError, match='sample_idx'):
        model.train_step(batch(), optim)


@pytest.mark.parametrize('loss, moved', [
    (dict(type='CCLoss', student_channels=8, teacher_channels=64),
     ('student_embed.weight', 'teacher_embed.weight')),
    (dict(type='VIDLoss', student_channels=8, teacher_channels=64),
     ('alpha', 'regressor.0.weight', 'regressor.4.weight')),
],
                         ids=['cc', 'vid'])
def test_a_terms_trainable_loss_is_the_students_and_is_stepped(loss, moved):
    model, optim = switokd(distill_terms=[
        dict(
            source='teacher.backbone.stages.2',
            target='student.backbone.layer3',
            loss=loss,
            name='term')
    ])
    module = model.student.distill_losses['term']
    own = {id(p) for p in module.parameters()}
    stepped = {
        name: {
            id(p)
            for group in optim[name].optimizer.param_groups
            for p in group['params']
        }
        for name in ('student', 'teacher')
    }
    assert own and own <= stepped['student']
    assert not own & stepped['teacher']
    before = copy.deepcopy(module.state_dict())
    log_vars = model.train_step(batch(), optim)
    assert torch.isfinite(log_vars['student/loss_term'])
    for key in moved:
        assert not torch.equal(module.state_dict()[key], before[key]), key
