"""SpotPolicy: the 'distil' bias of same-family pairs, hard decisions on
detached features, and a gradient for every parameter from one forward."""
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.registry import init_default_scope

import switokd_mm.models  # noqa: F401  (registers the backbones)
from switokd_mm.models.sakd import HOMO_BIAS, SpotPolicy, logit_hinge
from switokd_mm.models.sakd.gumbel import gumbel_noise
from switokd_mm.models.staged import split_classifier
from tests.test_models.test_sakd.test_graft import classifier

#: (student, teacher) shapes at f1, f2, f3 of a CIFAR ResNet-8 (base 4)
#: and a WRN-16-1 on 28x28 inputs
SPOT_SHAPES = [((4, 28, 28), (16, 28, 28)), ((8, 14, 14), (32, 14, 14)),
               ((16, 7, 7), (64, 7, 7))]
CUTS = [0, 1, 2]


def policy(homo, seed=0, shapes=SPOT_SHAPES):
    torch.manual_seed(seed)
    return SpotPolicy(64, 16, shapes, homo=homo)


def test_homo_adds_the_bias_to_the_distil_choices_only():
    plain, homo = policy(homo=False), policy(homo=True)
    assert HOMO_BIAS == 10.0
    assert torch.equal(homo.decide.weight, plain.decide.weight)
    assert torch.equal(homo.decide.bias[0::2],
                       plain.decide.bias[0::2] + HOMO_BIAS)
    assert torch.equal(homo.decide.bias[1::2], plain.decide.bias[1::2])
    assert homo.decide.bias.shape == (2 * 4, )
    for name, param in plain.named_parameters():
        if name != 'decide.bias':
            assert torch.equal(param, dict(homo.named_parameters())[name])


def test_adapters_map_each_spot_both_ways():
    p = policy(homo=True)
    assert p.num_spots == 4
    assert len(p.to_teacher) == len(p.to_student) == 3
    for k, (s_shape, t_shape) in enumerate(SPOT_SHAPES):
        assert p.to_teacher[k](torch.randn(2, *s_shape)).shape == (2, *t_shape)
        assert p.to_student[k](torch.randn(2, *t_shape)).shape == (2, *s_shape)


def test_temperature_must_be_positive():
    with pytest.raises(ValueError, match='temperature'):
        SpotPolicy(64, 16, SPOT_SHAPES, temperature=0)


def test_decisions_are_the_hard_gumbel_choice_of_distil():
    """(B, K) in {0, 1}: 1 where choice 0 ('distil') of the spot's two
    scores plus Gumbel noise wins."""
    p = policy(homo=False)
    teacher_pooled, student_pooled = torch.randn(8, 64), torch.randn(8, 16)
    torch.manual_seed(3)
    decisions = p.decisions(teacher_pooled, student_pooled)
    assert decisions.shape == (8, 4)
    assert ((decisions == 0) | (decisions == 1)).all()
    with torch.no_grad():
        scores = p.decide(torch.cat([teacher_pooled, student_pooled], 1))
    torch.manual_seed(3)
    noise = gumbel_noise(torch.Size([8, 4, 2]))
    expected = (scores.view(8, 4, 2) + noise).argmax(-1) == 0
    assert torch.equal(decisions, expected.float())
    assert 0 < decisions.sum() < decisions.numel()  # both kinds here


def test_homo_starts_almost_every_sample_distilled():
    torch.manual_seed(5)
    decisions = policy(homo=True).decisions(
        torch.randn(64, 64), torch.randn(64, 16))
    assert decisions.mean() > 0.8


def test_the_features_are_detached():
    p = policy(homo=False)
    teacher_pooled = torch.randn(8, 64, requires_grad=True)
    student_pooled = torch.randn(8, 16, requires_grad=True)
    p.decisions(teacher_pooled, student_pooled).sum().backward()
    assert teacher_pooled.grad is None
    assert student_pooled.grad is None
    assert p.decide.weight.grad.abs().sum() > 0  # straight-through


@pytest.fixture(scope='module')
def segments():
    init_default_scope('mmpretrain')
    torch.manual_seed(0)
    student = classifier(
        dict(type='CifarResNet', depth=8, base_channels=4, in_channels=1), 16)
    teacher = classifier(
        dict(type='WideResNet', depth=16, widen_factor=1, in_channels=1), 64)
    student.eval(), teacher.eval()
    return split_classifier(student), split_classifier(teacher)


def pooled(segments, inputs):
    with torch.no_grad():
        return segments.run(inputs, 0, 4)


@pytest.mark.parametrize(
    'cuts, shapes', [(CUTS, SPOT_SHAPES), ([3], [((16, ), (64, ))])],
    ids=['features', 'vector'])
@pytest.mark.parametrize('homo', [True, False])
def test_every_parameter_gets_a_gradient_from_one_forward(
        segments, cuts, shapes, homo):
    """The graft loss and the hinge reach the routing layer and every
    adapter, whatever the decisions (DDP without
    find_unused_parameters)."""
    S, T = segments
    p = policy(homo=homo, shapes=shapes)
    p.train()
    inputs = torch.randn(8, 1, 28, 28)
    labels = torch.randint(0, 10, (8, ))
    torch.manual_seed(11)
    decisions, logits = p(
        pooled(T, inputs), pooled(S, inputs), inputs, S, T, cuts)
    assert decisions.shape == (8, len(cuts) + 1)
    assert logits.shape == (8, 10)
    loss = F.cross_entropy(logits, labels) + logit_hinge(decisions[:, -1])
    loss.backward()
    for name, param in p.named_parameters():
        assert param.grad is not None, name
    assert p.decide.weight.grad.abs().sum() > 0
    if not homo:  # mixed decisions: both adapters of a spot carry samples
        shares = decisions.mean(0)
        assert ((0 < shares) & (shares < 1)).all()
        for name, param in p.named_parameters():
            assert param.grad.abs().sum() > 0, name


def test_forward_is_the_decisions_and_their_graft(segments):
    from switokd_mm.models.sakd import graft_forward
    S, T = segments
    p = policy(homo=False).eval()
    inputs = torch.randn(4, 1, 28, 28)
    teacher_pooled, student_pooled = pooled(T, inputs), pooled(S, inputs)
    torch.manual_seed(2)
    decisions, logits = p(teacher_pooled, student_pooled, inputs, S, T, CUTS)
    torch.manual_seed(2)
    assert torch.equal(decisions, p.decisions(teacher_pooled, student_pooled))
    with torch.no_grad():
        expected = graft_forward(inputs, S, T, CUTS, decisions, p.to_teacher,
                                 p.to_student)
    assert torch.equal(logits, expected)


def test_no_parameters_outside_the_policy():
    """The networks' segments are arguments, not submodules."""
    p = policy(homo=True)
    names = {name.split('.')[0] for name, _ in p.named_parameters()}
    assert names == {'decide', 'to_teacher', 'to_student'}
    assert isinstance(p.to_teacher, nn.ModuleList)
