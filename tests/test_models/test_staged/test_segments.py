"""Stage-wise execution: the segments of a classifier compose to its
forward, end with the features hooks record on its stage modules, run its
own parameters and BN statistics; a WRN teacher's segment feeds, through an
adapter, a ResNet student's next segment (SAKD's graft)."""
import pytest
import torch
import torch.nn as nn
from mmpretrain.models.backbones import ResNet_CIFAR
from mmpretrain.registry import MODELS
from torch.nn.modules.batchnorm import _BatchNorm

from switokd_mm.models.staged import split_classifier, supported_backbones


def classifier(backbone, channels, num_classes=10):
    return MODELS.build(
        dict(
            type='ImageClassifier',
            backbone=backbone,
            neck=dict(type='GlobalAveragePooling'),
            head=dict(
                type='LinearClsHead',
                num_classes=num_classes,
                in_channels=channels)))


# (backbone, head channels, input size, stage modules f1..fn)
CASES = {
    'CifarResNet-8-A': (dict(type='CifarResNet', depth=8, shortcut='A'), 64,
                        32, ['layer1', 'layer2', 'layer3']),
    'CifarResNet-8-B': (dict(type='CifarResNet', depth=8, base_channels=4,
                             in_channels=1), 16, 28,
                        ['layer1', 'layer2', 'layer3']),
    'ResNet_CIFAR-18': (dict(type='ResNet_CIFAR', depth=18,
                             stem_channels=8, base_channels=8), 64, 32,
                        ['layer1', 'layer2', 'layer3', 'layer4']),
    'WideResNet-10-1': (dict(type='WideResNet', depth=10, widen_factor=1,
                             drop_rate=0.3), 64, 32,
                        ['stages.0', 'stages.1', 'stages.2']),
    'WideResNet-10-1-pytorch': (dict(type='WideResNet', depth=10,
                                     widen_factor=1, drop_rate=0.3,
                                     variant='wide-resnet.pytorch'), 64, 32,
                                ['stages.0', 'stages.1', 'stages.2']),
    'MobileNetV2Cifar-0.25': (dict(type='MobileNetV2Cifar',
                                   widen_factor=0.25), 1280, 32,
                              ['layer2', 'layer3', 'layer5', 'layer7']),
    'MobileNetV2Cifar-0.25-no-conv2': (dict(type='MobileNetV2Cifar',
                                            widen_factor=0.25,
                                            out_indices=(3, 6)), 80, 32,
                                       ['layer2', 'layer3', 'layer5',
                                        'layer7']),
    'MobileNetV1Cifar-0.25': (dict(type='MobileNetV1Cifar',
                                   widen_factor=0.25), 256, 32,
                              [f'stages.{i}' for i in range(5)]),
    'ResNet-18': (dict(type='ResNet', depth=18, stem_channels=16,
                       base_channels=16, drop_path_rate=0.1), 128, 64,
                  ['layer1', 'layer2', 'layer3', 'layer4']),
    'ResNetV1d-18': (dict(type='ResNetV1d', depth=18, stem_channels=16,
                          base_channels=16, out_indices=(1, 3)), 128, 64,
                     ['layer1', 'layer2', 'layer3', 'layer4']),
    'VGG-11-BN': (dict(type='VGG', depth=11, norm_cfg=dict(type='BN')), 512,
                  32, ['features.1', 'features.3', 'features.6',
                       'features.9', 'features.12']),
    'ShuffleNetV1-0.25': (dict(type='ShuffleNetV1', groups=1,
                               widen_factor=0.25), 144, 32,
                          ['layers.0', 'layers.1', 'layers.2']),
}


def build(case):
    backbone, channels, size, stages = CASES[case]
    in_channels = backbone.get('in_channels', 3)
    torch.manual_seed(0)
    model = classifier(backbone, channels)
    inputs = torch.randn(4, in_channels, size, size)
    return model, inputs, stages


@pytest.fixture(params=sorted(CASES))
def case(request):
    return build(request.param)


def test_every_registered_backbone_has_a_case():
    tested = {c[0]['type'] for c in CASES.values()}
    assert set(supported_backbones()) <= tested


def test_the_segments_are_the_stages_then_pooled_then_logits(case):
    model, _, stages = case
    segments = split_classifier(model)
    n = len(stages)
    assert segments.names == tuple(f'f{i + 1}'
                                   for i in range(n + 1)) + ('logits', )
    assert [s.kind for s in segments] == ['stage'] * n + ['pooled', 'logits']
    assert [s.path for s in segments.stages] == [
        f'backbone.{p}' for p in stages
    ]
    assert segments.pooled.path == 'neck' and segments.logits.path == 'head'


@pytest.mark.parametrize('train', [False, True], ids=['eval', 'train'])
def test_composing_the_segments_is_the_forward(case, train):
    model, inputs, _ = case
    segments = split_classifier(model)
    model.train(train)
    with torch.no_grad():
        torch.manual_seed(1)
        expected = model(inputs, mode='tensor')
        torch.manual_seed(1)
        composed = segments.run(inputs)
        torch.manual_seed(1)
        stepwise = inputs
        for segment in segments:
            stepwise = segment(stepwise)
    assert torch.equal(composed, expected)
    assert torch.equal(stepwise, expected)


def test_each_segment_ends_with_the_hooked_module_output(case):
    model, inputs, _ = case
    model.eval()
    segments = split_classifier(model)
    recorded = {}

    def record(path):

        def hook(module, args, output):
            output = output[-1] if isinstance(output, tuple) else output
            recorded[path] = output.clone()

        return hook

    handles = [
        model.get_submodule(s.path).register_forward_hook(record(s.path))
        for s in segments
    ]
    with torch.no_grad():
        model(inputs, mode='tensor')
    for handle in handles:
        handle.remove()
    x = inputs
    with torch.no_grad():
        for segment in segments:
            x = segment(x)
            assert torch.equal(x, recorded[segment.path]), segment.name
    assert x.shape == (len(inputs), 10)
    assert segments.pooled.path == 'neck'
    assert recorded['neck'].dim() == 2


def test_the_segments_run_the_classifier_own_parameters(case):
    model, inputs, _ = case
    model.eval()
    segments = split_classifier(model)
    model(inputs, mode='tensor').sum().backward()
    own = {id(p) for p in model.parameters()}
    in_forward = {id(p) for p in model.parameters() if p.grad is not None}
    used = set()
    for segment in segments:
        params = {id(p) for p in segment.parameters()}
        assert params <= own, segment.name
        used |= params
    assert used == in_forward
    # a gradient through one segment reaches the classifier's parameters
    # (and its input: the pooling has none)
    features = [inputs]
    with torch.no_grad():
        for segment in segments:
            features.append(segment(features[-1]))
    for k, segment in enumerate(segments):
        model.zero_grad(set_to_none=True)
        x = features[k].clone().requires_grad_()
        segment(x).sum().backward()
        assert x.grad is not None and x.grad.abs().sum() > 0, segment.name
        params = list(segment.parameters())
        assert params or segment.kind == 'pooled'
        assert all(p.grad is not None for p in params), segment.name
        others = set(model.parameters()) - set(params)
        assert all(p.grad is None for p in others), segment.name


def test_a_stage_segment_in_train_mode_updates_the_classifier_bn(case):
    model, inputs, _ = case
    model.train()
    first = split_classifier(model)[0]
    norms = [
        m for module in first.modules for m in module.modules()
        if isinstance(m, _BatchNorm)
    ]
    assert norms
    before = [n.num_batches_tracked.clone() for n in norms]
    with torch.no_grad():
        first(inputs)
    assert all(n.num_batches_tracked == b + 1 for n, b in zip(norms, before))


def test_frozen_stages_and_norm_eval_still_apply():
    model = classifier(
        dict(type='ResNet', depth=18, frozen_stages=1, norm_eval=True), 512)
    model.train()
    first = split_classifier(model)[0]
    assert not any(p.requires_grad for p in first.parameters())
    mean = model.backbone.layer2[0].bn1.running_mean.clone()
    with torch.no_grad():
        split_classifier(model).run(torch.randn(2, 3, 64, 64), 0, 2)
    assert torch.equal(model.backbone.layer2[0].bn1.running_mean, mean)


def test_an_unsupported_backbone_raises_naming_the_supported_ones():
    model = classifier(dict(type='MobileNetV2', widen_factor=0.25), 1280)
    with pytest.raises(TypeError, match='MobileNetV2') as error:
        split_classifier(model)
    for name in supported_backbones():
        assert name in str(error.value)


def test_a_subclass_that_rewrites_the_forward_raises():

    class Rewired(ResNet_CIFAR):

        def forward(self, x):
            return super().forward(x)[::-1]

    model = classifier(dict(type='ResNet_CIFAR', depth=18), 512)
    model.backbone.__class__ = Rewired
    with pytest.raises(TypeError, match='overrides its forward'):
        split_classifier(model)


@pytest.mark.parametrize('backbone, match', [
    (dict(type='WideResNet', depth=10, widen_factor=1,
          out_indices=(1, )), 'out_indices'),
    (dict(type='CifarResNet', depth=8, out_indices=(0, )), 'out_indices'),
    (dict(type='MobileNetV2Cifar', widen_factor=0.25,
          out_indices=(5, )), 'out_indices'),
    (dict(type='VGG', depth=11), 'num_classes'),
])
def test_a_layout_the_stages_cannot_compose_raises(backbone, match):
    model = classifier(backbone, 64)
    if backbone['type'] == 'VGG':  # as if built with its own classifier
        model.backbone.num_classes = 10
    with pytest.raises(ValueError, match=match):
        split_classifier(model)


def test_other_necks_and_heads_are_refused():
    model = MODELS.build(
        dict(
            type='ImageClassifier',
            backbone=dict(type='CifarResNet', depth=8),
            head=dict(type='LinearClsHead', num_classes=10,
                      in_channels=64)))
    with pytest.raises(TypeError, match='GlobalAveragePooling'):
        split_classifier(model)
    with pytest.raises(TypeError, match='ImageClassifier'):
        split_classifier(nn.Linear(2, 2))


def test_a_teacher_segment_feeds_the_student_next_segment_through_an_adapter(
):
    """SAKD's graft for the Fashion-MNIST pair WRN-16-1 -> ResNet-8 (4
    channels): the teacher's f_k, mapped to the student's channels by a 1x1
    convolution, is the input of the student's segment k + 1, and the
    full graft network (per-sample decisions a_k) ends with logits."""
    torch.manual_seed(0)
    teacher = classifier(
        dict(type='WideResNet', depth=16, widen_factor=1, in_channels=1), 64)
    student = classifier(
        dict(type='CifarResNet', depth=8, base_channels=4, in_channels=1),
        16)
    teacher.eval()
    student.eval()
    t_segments, s_segments = split_classifier(teacher), split_classifier(
        student)
    assert len(t_segments.stages) == len(s_segments.stages) == 3
    x = torch.randn(4, 1, 28, 28)
    with torch.no_grad():
        t_features = [t_segments.run(x, 0, k + 1) for k in range(3)]
        s_features = [s_segments.run(x, 0, k + 1) for k in range(3)]
    assert [f.shape[1:] for f in t_features] == [(16, 28, 28), (32, 14, 14),
                                                 (64, 7, 7)]
    assert [f.shape[1:] for f in s_features] == [(4, 28, 28), (8, 14, 14),
                                                 (16, 7, 7)]
    to_student = [
        nn.Conv2d(t.shape[1], s.shape[1], 1)
        for t, s in zip(t_features, s_features)
    ]
    to_teacher = [
        nn.Conv2d(s.shape[1], t.shape[1], 1)
        for t, s in zip(t_features, s_features)
    ]
    for k in range(2):
        grafted = s_segments[k + 1](to_student[k](t_features[k]))
        assert grafted.shape == s_features[k + 1].shape
    # the graft network of the reference: segments f1, f2, f3, then f3 ->
    # logits; a[:, k] = 1 takes the teacher's path at spot k
    a = torch.tensor([[1., 0., 1., 0.], [0., 1., 0., 1.], [1., 1., 1., 1.],
                      [0., 0., 0., 0.]])
    h_s = h_t = x
    for k in range(3):
        s, t = s_segments[k](h_s), t_segments[k](h_t)
        a_k = a[:, k].view(-1, 1, 1, 1)
        h_t = (1 - a_k) * to_teacher[k](s) + a_k * t
        h_s = (1 - a_k) * s + a_k * to_student[k](t)
    z_s, z_t = s_segments.run(h_s, 3), t_segments.run(h_t, 3)
    a_last = a[:, 3].view(-1, 1)
    logits = (1 - a_last) * z_s + a_last * z_t
    assert logits.shape == (4, 10)
    logits.sum().backward()
    assert all(p.grad is not None for m in to_student + to_teacher
               for p in m.parameters())
    assert student.backbone.layer1[0].conv1.weight.grad is not None
