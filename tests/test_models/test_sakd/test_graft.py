"""SAKD's graft network against the mix written out sample by sample, on a
CIFAR ResNet-8 student and a WRN-16-1 teacher cut into segments."""
import pytest
import torch
import torch.nn as nn
from mmengine.registry import init_default_scope
from mmpretrain.registry import MODELS

import switokd_mm.models  # noqa: F401  (registers the backbones)
from switokd_mm.models.sakd import build_adapter, graft_forward
from switokd_mm.models.staged import split_classifier

#: the AT spots (f1, f2, f3) and the pooled vector spot (f4)
FEATURE_CUTS = [0, 1, 2]
VECTOR_CUTS = [3]
#: per sample, the decision at each spot (the last: the logits); every
#: column mixes 0 and 1, the first two rows stay on one network
DECISIONS = {
    'features': [[1., 1., 1., 1.], [0., 0., 0., 0.], [1., 0., 1., 0.],
                 [0., 1., 0., 1.], [1., 1., 0., 0.], [0., 0., 1., 1.]],
    'vector': [[1., 1.], [0., 0.], [1., 0.], [0., 1.], [1., 0.], [0., 1.]],
}


def classifier(backbone, channels):
    return MODELS.build(
        dict(
            type='ImageClassifier',
            backbone=backbone,
            neck=dict(type='GlobalAveragePooling'),
            head=dict(
                type='LinearClsHead', num_classes=10, in_channels=channels)))


@pytest.fixture(scope='module')
def pair():
    init_default_scope('mmpretrain')
    torch.manual_seed(0)
    student = classifier(
        dict(type='CifarResNet', depth=8, base_channels=4, in_channels=1), 16)
    teacher = classifier(
        dict(type='WideResNet', depth=16, widen_factor=1, in_channels=1), 64)
    for net in (student, teacher):
        net.double().eval()
        for module in net.modules():  # statistics of a trained network
            if isinstance(module, nn.BatchNorm2d):
                module.running_mean.uniform_(-0.5, 0.5)
                module.running_var.uniform_(0.5, 2.0)
    inputs = torch.randn(6, 1, 28, 28, dtype=torch.float64)
    return student, teacher, inputs


def feature_shapes(segments, inputs):
    """The shape (without the batch) of every segment's output."""
    shapes, x = [], inputs
    for segment in segments:
        x = segment(x)
        shapes.append(tuple(x.shape[1:]))
    return shapes


def adapters(student, teacher, inputs, cuts):
    """to_teacher and to_student of each spot, from the measured shapes,
    in eval mode (BN with running statistics: a sample's output does not
    depend on the batch)."""
    s_shapes = feature_shapes(student, inputs)
    t_shapes = feature_shapes(teacher, inputs)
    torch.manual_seed(1)
    to_teacher = nn.ModuleList(
        build_adapter(s_shapes[c], t_shapes[c]) for c in cuts)
    to_student = nn.ModuleList(
        build_adapter(t_shapes[c], s_shapes[c]) for c in cuts)
    for module in (to_teacher, to_student):
        module.double().eval()
    return to_teacher, to_student


def explicit_feature_spots(S, T, x, a, to_t, to_s):
    """One sample, spots f1, f2, f3 and the logits, written out."""
    # f1: S_0 = T_0 = stem and stage 1 on the input
    s1, t1 = S[0](x), T[0](x)
    if a[0]:
        s_path, t_path = to_s[0](t1), t1
    else:
        s_path, t_path = s1, to_t[0](s1)
    # f2
    s2, t2 = S[1](s_path), T[1](t_path)
    if a[1]:
        s_path, t_path = to_s[1](t2), t2
    else:
        s_path, t_path = s2, to_t[1](s2)
    # f3
    s3, t3 = S[2](s_path), T[2](t_path)
    if a[2]:
        s_path, t_path = to_s[2](t3), t3
    else:
        s_path, t_path = s3, to_t[2](s3)
    # the pooled vector, then the logits
    z_s, z_t = S[4](S[3](s_path)), T[4](T[3](t_path))
    return z_t if a[3] else z_s


def explicit_vector_spot(S, T, x, a, to_t, to_s):
    """One sample, spots f4 (pooled vector) and the logits, written out."""
    s4 = S[3](S[2](S[1](S[0](x))))
    t4 = T[3](T[2](T[1](T[0](x))))
    if a[0]:
        s_path, t_path = to_s[0](t4), t4
    else:
        s_path, t_path = s4, to_t[0](s4)
    z_s, z_t = S[4](s_path), T[4](t_path)
    return z_t if a[1] else z_s


CASES = {
    'features': (FEATURE_CUTS, explicit_feature_spots),
    'vector': (VECTOR_CUTS, explicit_vector_spot),
}


@pytest.mark.parametrize('case', sorted(CASES))
def test_graft_matches_the_mix_written_out(pair, case):
    cuts, explicit = CASES[case]
    student, teacher, inputs = pair
    S, T = split_classifier(student), split_classifier(teacher)
    to_t, to_s = adapters(S, T, inputs, cuts)
    decisions = torch.tensor(DECISIONS[case], dtype=torch.float64)
    with torch.no_grad():
        logits = graft_forward(inputs, S, T, cuts, decisions, to_t, to_s)
        expected = torch.cat([
            explicit(S, T, inputs[b:b + 1], decisions[b].tolist(), to_t, to_s)
            for b in range(len(inputs))
        ])
        z_s = student(inputs, mode='tensor')
        z_t = teacher(inputs, mode='tensor')
    assert logits.shape == (6, 10)
    torch.testing.assert_close(logits, expected, rtol=1e-12, atol=1e-12)
    # the rows that stay on one network are that network's logits
    torch.testing.assert_close(logits[0], z_t[0], rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(logits[1], z_s[1], rtol=1e-12, atol=1e-12)
    # and the rows that change networks are neither
    for row in range(2, 6):
        assert not torch.allclose(logits[row], z_s[row])
        assert not torch.allclose(logits[row], z_t[row])


@pytest.mark.parametrize('cuts', [FEATURE_CUTS, VECTOR_CUTS])
@pytest.mark.parametrize('network', ['teacher', 'student'])
def test_one_decision_everywhere_is_one_network_exactly(pair, cuts, network):
    """All 1: the teacher's path never leaves the teacher, its logits come
    out bit for bit; all 0: the student's."""
    student, teacher, inputs = pair
    S, T = split_classifier(student), split_classifier(teacher)
    to_t, to_s = adapters(S, T, inputs, cuts)
    fill = 1.0 if network == 'teacher' else 0.0
    decisions = torch.full((len(inputs), len(cuts) + 1),
                           fill,
                           dtype=torch.float64)
    with torch.no_grad():
        logits = graft_forward(inputs, S, T, cuts, decisions, to_t, to_s)
        net = teacher if network == 'teacher' else student
        alone = net(inputs, mode='tensor')
    assert torch.equal(logits, alone)
