"""SpotAdaptiveKD (Song et al., IEEE TIP 2022) as the released code computes
it (``../shared/reference/sakd.md``): three iterations against a
plain-PyTorch step written out here, which learner each loss trains, the
options (reverse, non-adaptive, logits alone) and the settings it
refuses."""
import copy

import pytest
import torch
import torch.nn.functional as F
from mmpretrain.registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS

from switokd_mm.models.staged import split_classifier
from tests.conftest import make_batch


def classifier(base_channels: int) -> dict:
    """A tiny CifarResNet-8 on 1x28x28 inputs: stages (c, 28, 28),
    (2c, 14, 14), (4c, 7, 7)."""
    return dict(
        type='ImageClassifier',
        backbone=dict(
            type='CifarResNet',
            depth=8,
            base_channels=base_channels,
            in_channels=1),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(
            type='LinearClsHead', num_classes=10,
            in_channels=4 * base_channels))


STUDENT, TEACHER = classifier(2), classifier(4)
STAGES = ['backbone.layer1', 'backbone.layer2', 'backbone.layer3']
BETA = (1000.0, 300.0, 100.0)
SGD = dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4)
POLICY_SGD = dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=1e-3)
ALPHA, TAU, GAMMA, GUMBEL_TAU = 0.7, 4.0, 2.0, 5.0


@pytest.fixture(autouse=True, scope='module')
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope='module')
def teacher_ckpt(tmp_path_factory):
    """A trained-looking teacher: random weights and BN statistics."""
    torch.manual_seed(123)
    teacher = MODELS.build(TEACHER)
    with torch.no_grad():
        for name, buffer in teacher.named_buffers():
            if name.endswith('running_mean'):
                buffer.normal_(0, 0.1)
            elif name.endswith('running_var'):
                buffer.uniform_(0.5, 1.5)
    path = tmp_path_factory.mktemp('teacher') / 'teacher.pth'
    torch.save(dict(state_dict=teacher.state_dict()), path)
    return str(path)


def sakd_config(teacher_ckpt: str, spots=None, **kwargs) -> dict:
    if spots is None:
        spots = {
            f'f{k + 1}': dict(loss=dict(type='ATLoss', loss_weight=beta))
            for k, beta in enumerate(BETA)
        }
    return dict(
        type='SpotAdaptiveKD',
        student=STUDENT,
        teacher=TEACHER,
        teacher_ckpt=teacher_ckpt,
        spots=spots,
        alpha=ALPHA,
        tau=TAU,
        gamma=GAMMA,
        gumbel_tau=GUMBEL_TAU,
        input_shape=(1, 28, 28),
        **kwargs)


def build(teacher_ckpt: str, seed: int = 0, **kwargs):
    torch.manual_seed(seed)
    model = MODELS.build(sakd_config(teacher_ckpt, **kwargs))
    model.init_weights()
    model.train()
    return model


def optimizers(model):
    cfg = dict(student=dict(optimizer=dict(SGD)))
    if 'policy' in model.roles:
        cfg['policy'] = dict(optimizer=dict(POLICY_SGD))
    return OPTIM_WRAPPER_CONSTRUCTORS.build(
        dict(type='PerNetworkOptimWrapperConstructor', optim_wrapper_cfg=cfg))(
            model)


def batch(seed: int, size: int = 8):
    generator = torch.Generator().manual_seed(seed)
    inputs = torch.randn(size, 1, 28, 28, generator=generator)
    labels = torch.randint(0, 10, (size, ), generator=generator)
    data = make_batch(inputs.flatten(1), labels.tolist())
    data['inputs'] = list(inputs)
    return data, inputs, labels


# ------------------------------------------------------- the reference step
def attention(features):
    return F.normalize(features.pow(2).mean(1).flatten(1), dim=1)


class Reference:
    """The method written out in plain PyTorch on copies of the model's
    learners, with its own optimizers."""

    def __init__(self, model, reverse=False, adaptive=True):
        self.student = copy.deepcopy(model.student)
        self.teacher = copy.deepcopy(model.teacher).eval()
        self.reverse, self.adaptive = reverse, adaptive
        self.opt_s = torch.optim.SGD(self.student.parameters(),
                                     **_args(SGD))
        if adaptive:
            self.policy = copy.deepcopy(model.policy)
            self.opt_p = torch.optim.SGD(self.policy.parameters(),
                                         **_args(POLICY_SGD))

    def features(self, network):
        """Forward hooks on the stage outputs and the neck."""
        outputs = {}
        handles = [
            network.get_submodule(path).register_forward_hook(
                lambda m, i, o, path=path: outputs.__setitem__(path, o))
            for path in STAGES + ['neck']
        ]
        return outputs, handles

    def graft(self, x, a):
        """The multi-path network, spot by spot."""
        s_seg = split_classifier(self.student)
        t_seg = split_classifier(self.teacher)
        hs = ht = x
        for k in range(3):
            s, t = s_seg[k](hs), t_seg[k](ht)
            ak = a[:, k].view(-1, 1, 1, 1)
            ht = (1 - ak) * self.policy.to_teacher[k](s) + ak * t
            hs = (1 - ak) * s + ak * self.policy.to_student[k](t)
        zs = s_seg[4](s_seg[3](hs))
        zt = t_seg[4](t_seg[3](ht))
        a3 = a[:, 3:4]
        return (1 - a3) * zs + a3 * zt

    def step(self, x, labels, seed):
        torch.manual_seed(seed)
        s_out, s_hooks = self.features(self.student)
        t_out, t_hooks = self.features(self.teacher)
        zs = self.student(x, mode='tensor')
        with torch.no_grad():
            zt = self.teacher(x, mode='tensor')
        for handle in s_hooks + t_hooks:
            handle.remove()
        ce_s = F.cross_entropy(zs, labels)
        logs = {}
        if self.adaptive:
            pooled = torch.cat([t_out['neck'][-1], s_out['neck'][-1]], 1)
            scores = self.policy.decide(pooled.detach()).view(len(x), 4, 2)
            noise = -torch.log(-torch.log(torch.rand(scores.shape) + 1e-20) +
                               1e-20)
            soft = F.softmax((scores + noise) / GUMBEL_TAU, -1)
            hard = F.one_hot(soft.argmax(-1), 2).float()
            a = ((hard - soft).detach() + soft)[..., 0]
            self.student.eval()
            for p in self.student.parameters():
                p.requires_grad_(False)
            zg = self.graft(x, a)
            for p in self.student.parameters():
                p.requires_grad_(True)
            self.student.train()
            ce_g = F.cross_entropy(zg, labels)
            if ce_g > ce_s:
                graft = GAMMA * ce_g
            elif ce_g < ce_s:
                graft = ce_g / GAMMA
            else:
                graft = ce_g
            hinge = torch.relu(len(x) / 2 - a[:, 3].sum())
            logs.update({'policy/loss_graft': graft,
                         'policy/loss_hinge': hinge})
            m = 1 - a.detach() if self.reverse else a.detach()
        else:
            m = torch.ones(len(x), 4)
        loss_s = ce_s
        logs['student/loss_ce'] = ce_s
        for k, beta in enumerate(BETA):
            per_sample = (attention(s_out[STAGES[k]]) -
                          attention(t_out[STAGES[k]])).pow(2).mean(1)
            term = beta * (m[:, k] * per_sample).sum() / len(x)
            logs[f'student/loss_f{k + 1}'] = term
            loss_s = loss_s + term
        kl = (F.softmax(zt / TAU, 1) *
              (F.log_softmax(zt / TAU, 1) - F.log_softmax(zs / TAU, 1))).sum(1)
        kd = ALPHA * (m[:, 3] * kl * TAU**2).sum() / len(x)
        logs['student/loss_kd'] = kd
        loss_s = loss_s + kd
        if self.adaptive:
            self.opt_p.zero_grad()
            (graft + hinge).backward()
            self.opt_p.step()
        self.opt_s.zero_grad()
        loss_s.backward()
        self.opt_s.step()
        logs['shares'] = m.mean(0)
        return logs


def _args(optimizer: dict) -> dict:
    return {k: v for k, v in optimizer.items() if k != 'type'}


@pytest.mark.parametrize('options', [
    dict(homo=False),
    dict(homo=False, reverse=True),
    dict(adaptive=False),
])
def test_three_iterations_equal_a_plain_pytorch_step(teacher_ckpt, options):
    model = build(teacher_ckpt, **options)
    optim = optimizers(model)
    reference = Reference(
        model,
        reverse=options.get('reverse', False),
        adaptive=options.get('adaptive', True))
    teacher_before = copy.deepcopy(model.teacher.state_dict())
    mixed = False
    for step in range(3):
        data, inputs, labels = batch(step)
        torch.manual_seed(100 + step)
        logs = model.train_step(data, optim)
        expected = reference.step(inputs, labels, 100 + step)
        for key, value in expected.items():
            if key == 'shares':
                continue
            assert float(logs[key]) == pytest.approx(
                float(value.detach()), rel=1e-5, abs=1e-6), key
        shares = torch.stack(
            [logs[f'sakd/share_{s}'] for s in model.spot_names])
        torch.testing.assert_close(shares, expected['shares'])
        mixed |= bool(((shares > 0) & (shares < 1)).any())
        learners = [('student', reference.student)]
        if options.get('adaptive', True):
            learners.append(('policy', reference.policy))
        for name, twin in learners:
            ours = getattr(model, name).state_dict()
            for key, value in twin.state_dict().items():
                torch.testing.assert_close(
                    ours[key], value, rtol=1e-5, atol=1e-6, msg=key)
    if options.get('adaptive', True):
        assert mixed, 'the decisions never mixed: the test proves little'
    for key, value in model.teacher.state_dict().items():
        assert torch.equal(value, teacher_before[key]), key


# --------------------------------------------------------------- isolation
def weights(module):
    """The parameters (the BN statistics of a forward are not a step's)."""
    return {k: v.detach().clone() for k, v in module.named_parameters()}


def test_the_policy_step_changes_no_student_weight_and_back(teacher_ckpt):
    data, _, _ = batch(0)
    # only the policy steps: the student stays bit-identical
    model = build(teacher_ckpt, homo=False)
    optim = optimizers(model)
    student, policy = weights(model.student), weights(model.policy)
    optim['student'].update_params = lambda loss: None
    model.train_step(data, optim)
    after = weights(model.student)
    assert all(torch.equal(after[k], v) for k, v in student.items())
    after = weights(model.policy)
    assert not all(torch.equal(after[k], v) for k, v in policy.items())
    # only the student steps: the policy stays bit-identical
    model = build(teacher_ckpt, homo=False)
    optim = optimizers(model)
    student, policy = weights(model.student), weights(model.policy)
    optim['policy'].update_params = lambda loss: None
    model.train_step(data, optim)
    after = weights(model.policy)
    assert all(torch.equal(after[k], v) for k, v in policy.items())
    after = weights(model.student)
    assert not all(torch.equal(after[k], v) for k, v in student.items())


def test_the_graft_leaves_the_student_in_train_mode_with_gradients(
        teacher_ckpt):
    model = build(teacher_ckpt, homo=False)
    flags = [p.requires_grad for p in model.student.parameters()]
    model.train_step(batch(0)[0], optimizers(model))
    assert model.student.training and not model.teacher.training
    assert [p.requires_grad for p in model.student.parameters()] == flags
    assert not any(p.requires_grad for p in model.teacher.parameters())


def test_homo_starts_with_every_spot_distilled(teacher_ckpt):
    model = build(teacher_ckpt)
    logs = model.train_step(batch(0)[0], optimizers(model))
    for spot in model.spot_names:
        assert float(logs[f'sakd/share_{spot}']) == 1.0
    assert model.last_shares == {s: 1.0 for s in model.spot_names}


def test_the_logits_alone_are_one_spot(teacher_ckpt):
    model = build(teacher_ckpt, spots={}, homo=False)
    assert model.spot_names == ['logits']
    logs = model.train_step(batch(0)[0], optimizers(model))
    assert set(k for k in logs if k.startswith('student/')) == {
        'student/loss_ce', 'student/loss_kd', 'student/loss'
    }


def test_a_crd_spot_reads_the_pooled_vector(teacher_ckpt):
    spots = dict(
        f4=dict(
            loss=dict(
                type='CRDLoss',
                student_channels=8,
                teacher_channels=16,
                num_samples=32,
                embed_dim=4,
                num_negatives=5,
                loss_weight=0.8)))
    model = build(teacher_ckpt, spots=spots, homo=False)
    assert model.spot_names == ['f4', 'logits']
    data, _, _ = batch(0)
    for index, sample in enumerate(data['data_samples']):
        sample.set_field(index, 'sample_idx', field_type='metainfo')
    logs = model.train_step(data, optimizers(model))
    assert float(logs['student/loss_f4']) > 0
    # the adapters between pooled vectors are linear layers
    assert isinstance(model.policy.to_teacher[0], torch.nn.Linear)


# ----------------------------------------------------------------- refusals
@pytest.mark.parametrize('spots, match', [
    (dict(f9=dict(loss=dict(type='ATLoss'))), 'not a feature spot'),
    (dict(logits=dict(loss=dict(type='ATLoss'))), 'not a feature spot'),
    (dict(f1=dict(los=dict(type='ATLoss'))), 'needs dict'),
])
def test_bad_spots_are_refused(teacher_ckpt, spots, match):
    with pytest.raises(ValueError, match=match):
        MODELS.build(sakd_config(teacher_ckpt, spots=spots))


def test_networks_of_different_depth_are_refused(teacher_ckpt):
    cfg = sakd_config(teacher_ckpt)
    cfg['teacher'] = dict(
        type='ImageClassifier',
        backbone=dict(type='ResNet_CIFAR', depth=18, in_channels=1),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=10, in_channels=512))
    with pytest.raises(ValueError, match='as many stages'):
        MODELS.build(cfg)


@pytest.mark.parametrize('kwargs, match', [
    (dict(gamma=0.0), 'gamma'),
    (dict(tau=0.0), 'temperatures'),
    (dict(teacher_ckpt=''), 'teacher_ckpt'),
])
def test_bad_settings_are_refused(teacher_ckpt, kwargs, match):
    cfg = sakd_config(teacher_ckpt)
    cfg.update(kwargs)
    with pytest.raises(ValueError, match=match):
        MODELS.build(cfg)
