"""FFSD (Li et al., IEEE TNNLS 2022) as the released code computes it
(``../shared/reference/ffsd.md``): which learner each loss trains, what
is logged, the options, and three iterations against a plain-PyTorch
re-implementation of the method in float64."""
import math

import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.logging import MessageHub
from mmpretrain.registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS

import switokd_mm.models.algorithms.ffsd as ffsd_module
from tests.conftest import REPO, make_batch

#: the tiny CifarResNet-8 (2 base channels, 1 input channel, 10 classes):
#: stages 2x28x28, 4x14x14, 8x7x7
NET = Config.fromfile(
    str(REPO / 'tests' / 'fixtures' /
        'tiny_kdcl_fashion_mnist.py')).model.student.to_dict()
STAGES = ['backbone.layer1', 'backbone.layer2', 'backbone.layer3']
STUDENTS = ['student0', 'student1']
SGD = dict(type='SGD', lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-4)
FUSION_SGD = dict(SGD, weight_decay=1e-5)
ADAM = dict(type='Adam', lr=1e-3, weight_decay=1e-4)
#: every learner's logged terms (each also logs ``<learner>/loss``)
TERMS = {
    'student0': ['loss_ce', 'loss_kd'],
    'student1': ['loss_ce', 'loss_kd', 'loss_div', 'loss_sd'],
    'fusion': ['loss_ce', 'loss_kd'],
    'leader':
    ['loss_ce', 'loss_kd', 'loss_fusion', 'loss_trans_fusion', 'loss_sd'],
    'decoder_student1': ['loss_feature', 'loss_attention'],
    'decoder_leader': ['loss_feature', 'loss_attention'],
}
#: the terms a lambda (times the warm-up) weighs
WEIGHTED = {
    'student1/loss_div', 'student1/loss_sd', 'leader/loss_fusion',
    'leader/loss_trans_fusion', 'leader/loss_sd',
    'decoder_student1/loss_feature', 'decoder_student1/loss_attention',
    'decoder_leader/loss_feature', 'decoder_leader/loss_attention'
}


def ffsd_config(networks=None, **kwargs) -> dict:
    networks = networks or dict(
        leader=dict(role='leader', model=NET),
        student0=dict(role='student', model=NET),
        student1=dict(role='student', model=NET))
    return dict(
        type='FFSD',
        networks=networks,
        stages=STAGES,
        stage_channels=8,
        **kwargs)


def build(seed: int = 0, **kwargs):
    torch.manual_seed(seed)
    model = MODELS.build(ffsd_config(**kwargs))
    model.init_weights()
    model.train()
    return model


def optimizers(model):
    """The released recipe: SGD (Nesterov) for the networks, wd 1e-5 for
    the fusion module, Adam for the decoders."""
    cfg = {}
    for name, role in model.roles.items():
        optimizer = dict(decoder=ADAM, fusion=FUSION_SGD).get(role, SGD)
        cfg[name] = dict(optimizer=dict(optimizer))
    return OPTIM_WRAPPER_CONSTRUCTORS.build(
        dict(type='PerNetworkOptimWrapperConstructor', optim_wrapper_cfg=cfg))(
            model)


def batch(seed: int, size: int = 4):
    """A batch of ``size`` images (1x28x28, already normalised) and labels,
    in the default dtype."""
    generator = torch.Generator().manual_seed(seed)
    inputs = torch.randn(
        size, 1, 28, 28, generator=generator, dtype=torch.get_default_dtype())
    labels = torch.randint(0, 10, (size, ), generator=generator)
    data = make_batch(inputs.flatten(1), labels.tolist())
    data['inputs'] = list(inputs)
    return data, inputs, labels


@pytest.fixture(autouse=True, scope='module')
def one_thread():
    """The networks are tiny: one intra-op thread is fastest, and keeps
    the file's seconds steady on a busy machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def set_epoch():
    """Sets the runner's 0-based epoch in mmengine's MessageHub; restores
    it afterwards."""
    hub = MessageHub.get_current_instance()
    missing = object()
    saved = hub.runtime_info.get('epoch', missing)
    yield lambda epoch: hub.update_info('epoch', epoch)
    if saved is missing:
        hub.runtime_info.pop('epoch', None)
    else:
        hub.update_info('epoch', saved)


def parameter_names(model):
    return {id(p): name for name, p in model.named_parameters()}


# --------------------------------------------------------------- isolation
def test_each_loss_reaches_only_its_own_learner(monkeypatch, set_epoch):
    """Every loss handed to the optimizers, differentiated against every
    other learner's parameters: nothing (students, fusion module and
    leader in one call, in that order, then the decoders)."""
    model = build()
    optim = optimizers(model)
    set_epoch(0)
    groups = {n: list(m.parameters()) for n, m in model.learners.items()}
    head = list(model.leader.distill_connectors.trans_fusion.parameters())
    assert head and all(any(p is q for q in groups['leader']) for p in head)
    names = parameter_names(model)
    calls = []
    original = ffsd_module.update_learners

    def inspect(optim_wrapper, losses):
        calls.append(list(losses))
        for learner, loss in losses.items():
            others = [
                p for other, params in groups.items() if other != learner
                for p in params
            ]
            grads = torch.autograd.grad(
                loss, others, allow_unused=True, retain_graph=True)
            leaked = [
                names[id(p)] for p, g in zip(others, grads)
                if g is not None and g.abs().max() > 0
            ]
            assert not leaked, f'the loss of {learner} reaches {leaked}'
            own = torch.autograd.grad(
                loss, groups[learner], allow_unused=True, retain_graph=True)
            assert all(g is not None for g in own), learner
            assert sum(g.abs().sum() for g in own) > 0, learner
            if learner == 'leader':  # the trans-fusion head learns with it
                grads = torch.autograd.grad(loss, head, retain_graph=True)
                assert all(g.abs().sum() > 0 for g in grads)
        original(optim_wrapper, losses)

    monkeypatch.setattr(ffsd_module, 'update_learners', inspect)
    model.train_step(batch(0)[0], optim)
    assert calls == [['student0', 'student1', 'fusion', 'leader'],
                     ['decoder_student1', 'decoder_leader']]


@pytest.mark.parametrize('stepped', [('fusion', ), ('student0', ),
                                     ('student1', ), ('leader', ),
                                     ('decoder_student1', 'decoder_leader')])
def test_only_the_stepped_learners_change(monkeypatch, set_epoch, stepped):
    """Only ``stepped`` take their losses' backward and step: they change,
    and no other learner changes or even holds a gradient (a loss leaking
    into another learner would leave one there, for that learner's next
    step to apply)."""
    model = build()
    optim = optimizers(model)
    set_epoch(0)
    for name, module in model.learners.items():  # one optimizer each
        held = [
            p for g in optim[name].optimizer.param_groups for p in g['params']
        ]
        assert {id(p) for p in held} == {id(p) for p in module.parameters()}
        assert len(held) == len(list(module.parameters()))
    before = {k: v.detach().clone() for k, v in model.named_parameters()}
    original = ffsd_module.update_learners

    def only(optim_wrapper, losses):
        kept = {n: loss for n, loss in losses.items() if n in stepped}
        if kept:
            original(optim_wrapper, kept)

    monkeypatch.setattr(ffsd_module, 'update_learners', only)
    model.train_step(batch(0)[0], optim)
    for name, module in model.learners.items():
        params = dict(module.named_parameters(prefix=name))
        changed = [
            k for k, p in params.items() if not torch.equal(p, before[k])
        ]
        if name in stepped:
            assert changed == list(params), name
        else:
            assert changed == [], name
            assert all(p.grad is None or not p.grad.any()
                       for p in params.values()), name


def test_after_a_step_no_gradient_is_left(set_epoch):
    model = build()
    optim = optimizers(model)
    set_epoch(0)
    before = {k: v.detach().clone() for k, v in model.named_parameters()}
    model.train_step(batch(0)[0], optim)
    for name, p in model.named_parameters():
        assert not torch.equal(p, before[name]), name
        assert p.grad is None or not p.grad.any(), name


# ------------------------------------------------------------------ logging
def expected_keys():
    keys = {'ffsd/warmup', 'loss'}
    for learner, terms in TERMS.items():
        keys |= {f'{learner}/{t}' for t in terms + ['loss']}
    return keys


def test_logs_every_term_per_learner_and_the_warmup(set_epoch):
    model = build()
    optim = optimizers(model)
    set_epoch(0)
    log_vars = model.train_step(batch(0)[0], optim)
    assert set(log_vars) == expected_keys()
    assert 'student0/loss_div' not in log_vars
    assert 'student0/loss_sd' not in log_vars
    assert log_vars['ffsd/warmup'].item() == pytest.approx(
        math.exp(-5 * 0.8**2))
    assert round(log_vars['ffsd/warmup'].item(), 3) == 0.041
    for learner, terms in TERMS.items():
        total = sum(log_vars[f'{learner}/{t}'] for t in terms)
        assert log_vars[f'{learner}/loss'].item() == pytest.approx(
            total.item(), rel=1e-6)
        assert all(log_vars[f'{learner}/{t}'].item() > 0 for t in terms)
    assert torch.equal(log_vars['loss'], log_vars['leader/loss'])
    for epoch, factor in ((1, 0.165), (3, 0.819), (4, 1.0), (40, 1.0)):
        set_epoch(epoch)
        log_vars = model.train_step(batch(epoch)[0], optim)
        assert round(log_vars['ffsd/warmup'].item(), 3) == factor


def test_the_warmup_and_the_students_sd_weight_scale_the_terms(set_epoch):
    """Same weights, same batch: at epoch 0 every lambda-weighted term is
    the warmed-up fraction of the epoch-5 one, the others are equal; with
    ``student_sd_weight='lambda_sd'`` student 1's L_sd is lambda_sd /
    lambda_div times the released one, every other term unchanged."""
    data = batch(3)[0]
    logs = {}
    for key, epoch, kwargs in (('released', 0, {}), ('late', 5, {}),
                               ('lambda_sd', 0,
                                dict(student_sd_weight='lambda_sd'))):
        model = build(seed=7, **kwargs)
        set_epoch(epoch)
        logs[key] = model.train_step(data, optimizers(model))
    released, late, option = logs['released'], logs['late'], logs['lambda_sd']
    factor = math.exp(-5 * 0.8**2)
    assert late['ffsd/warmup'].item() == 1.0
    for key in expected_keys() - {'ffsd/warmup', 'loss'}:
        if key.endswith('/loss'):
            continue
        expected = late[key].item() * (factor if key in WEIGHTED else 1.0)
        assert released[key].item() == pytest.approx(expected, rel=1e-5), key
        if key == 'student1/loss_sd':
            assert option[key].item() == pytest.approx(
                released[key].item() * 1000.0 / 1e-5, rel=1e-5)
        else:
            assert torch.equal(option[key], released[key]), key


# ------------------------------------------------------------ bad configs
def network(role):
    return dict(role=role, model=NET)


@pytest.mark.parametrize('kwargs, message', [
    (dict(
        networks=dict(leader=network('leader'), student0=network('student'))),
     'at least two'),
    (dict(
        networks=dict(
            leader=network('leader'),
            leader2=network('leader'),
            student0=network('student'),
            student1=network('student'))), 'one leader'),
    (dict(
        networks=dict(
            student0=network('student'), student1=network('student'))),
     'leader'),
    (dict(student_sd_weight='lambda_fus'), 'student_sd_weight'),
    (dict(student_sd_weight='div'), 'student_sd_weight'),
    (dict(lambda_div=-1e-5), "weights >= 0.*'lambda_div'"),
    (dict(lambda_sd=-1.0), "weights >= 0.*'lambda_sd'"),
    (dict(lambda_fus=-10.0), "weights >= 0.*'lambda_fus'"),
    (dict(lambda_fus=float('nan')), "finite.*'lambda_fus'"),
    (dict(tau=0.0), "temperatures must be > 0.*'tau'"),
    (dict(stages=['backbone.layer3']), 'two stages'),
    (dict(warmup_epochs=-1), 'warmup_epochs'),
])
def test_bad_configs_raise(kwargs, message):
    cfg = ffsd_config(networks=kwargs.pop('networks', None))
    cfg.update(kwargs)
    with pytest.raises(ValueError, match=message):
        MODELS.build(cfg)


def test_a_step_outside_a_runner_asks_for_the_epoch(set_epoch):
    model = build()
    MessageHub.get_current_instance().runtime_info.pop('epoch', None)
    with pytest.raises(RuntimeError, match="update_info\\('epoch'"):
        model.train_step(batch(0)[0], optimizers(model))


# ------------------------------------------ plain-PyTorch reference, float64
def ref_attention(x):
    return (x * x).mean(1, keepdim=True)


def ref_unit(x):
    flat = x.reshape(x.shape[0], -1)
    return flat / torch.sqrt((flat * flat).sum(1, keepdim=True))


def ref_distance(x, y):
    return ((ref_unit(x) - ref_unit(y))**2).mean()


def ref_sigma(a):
    """nu - a^ above tau (the floor(HW / 3)-th smallest a^), a^ below,
    nu / 2 at it."""
    flat = a.reshape(a.shape[0], -1)
    nu = torch.sqrt((flat * flat).sum(1, keepdim=True))
    unit = flat / nu
    tau = unit.sort(1).values[:, flat.shape[1] // 3 - 1:flat.shape[1] // 3]
    return torch.where(unit > tau, nu - unit,
                       torch.where(unit < tau, unit, nu / 2))


def ref_phi(f):
    a = ref_attention(f)
    flat = a.reshape(a.shape[0], -1)
    nu = torch.sqrt((flat * flat).sum(1, keepdim=True))
    shift = (ref_sigma(a) - flat / nu) * nu / f.shape[1]
    return f + shift.reshape(a.shape)


def ref_ce(z, labels):
    return -(z.log_softmax(1)[torch.arange(len(labels)), labels]).mean()


def ref_kl(target, learner, tau=2.0):
    """KL(softmax(target / T) || softmax(learner / T)) T^2, batch mean."""
    log_t = (target / tau).log_softmax(1)
    log_s = (learner / tau).log_softmax(1)
    return (log_t.exp() * (log_t - log_s)).sum(1).mean() * tau**2


class ReferenceFFSD:
    """One FFSD iteration in plain PyTorch, from the reference page: its
    own copies of every weight and running statistic (keyed like the
    model's state dict), functional convolutions, a hand-written BN, SGD
    (Nesterov) and Adam."""

    def __init__(self, model, lambdas, sd_weight, warmup_epochs):
        self.p = {
            k: v.detach().clone().requires_grad_()
            for k, v in model.named_parameters()
        }
        self.b = {k: v.detach().clone() for k, v in model.named_buffers()}
        self.lambdas, self.sd_weight = lambdas, sd_weight
        self.warmup_epochs = warmup_epochs
        self.state = {}

    # ------------------------------------------------------------ layers
    def conv(self, x, name, stride=1, padding=1, groups=1):
        return F.conv2d(
            x, self.p[name], stride=stride, padding=padding, groups=groups)

    def bn(self, x, name, training):
        shape = (1, -1, 1, 1)
        if training:
            mean = x.mean((0, 2, 3))
            var = ((x - mean.view(shape))**2).mean((0, 2, 3))
            n = x.numel() // x.shape[1]
            with torch.no_grad():
                for key, stat in (('running_mean', mean), ('running_var',
                                                           var * n / (n - 1))):
                    self.b[f'{name}.{key}'] = (0.9 * self.b[f'{name}.{key}'] +
                                               0.1 * stat.detach())
                self.b[f'{name}.num_batches_tracked'] += 1
        else:
            mean = self.b[f'{name}.running_mean']
            var = self.b[f'{name}.running_var']
        return ((x - mean.view(shape)) / torch.sqrt(var.view(shape) + 1e-5) *
                self.p[f'{name}.weight'].view(shape) +
                self.p[f'{name}.bias'].view(shape))

    def network(self, name, x):
        """CifarResNet-8 (projection shortcuts), GAP, linear: the stage
        outputs and the logits."""
        prefix = f'{name}.backbone.'
        x = F.relu(
            self.bn(
                self.conv(x, prefix + 'conv1.weight'), prefix + 'bn1', True))
        features = []
        for stage, stride in ((1, 1), (2, 2), (3, 2)):
            block = f'{prefix}layer{stage}.0.'
            y = F.relu(
                self.bn(
                    self.conv(x, block + 'conv1.weight', stride),
                    block + 'bn1', True))
            y = self.bn(
                self.conv(y, block + 'conv2.weight'), block + 'bn2', True)
            if block + 'downsample.0.weight' in self.p:
                x = self.bn(
                    self.conv(x, block + 'downsample.0.weight', stride, 0),
                    block + 'downsample.1', True)
            x = F.relu(y + x)
            features.append(x)
        logits = (
            x.mean((2, 3)) @ self.p[f'{name}.head.fc.weight'].t() +
            self.p[f'{name}.head.fc.bias'])
        return features, logits

    def separable(self, x, prefix):
        """Depthwise 3x3, BN, ReLU, 1x1, BN, ReLU (train mode)."""
        x = F.relu(
            self.bn(
                self.conv(x, prefix + '0.weight', groups=x.shape[1]),
                prefix + '1', True))
        return F.relu(
            self.bn(
                self.conv(x, prefix + '3.weight', padding=0), prefix + '4',
                True))

    def decode(self, name, x, training):
        outputs = []
        block = 0
        while f'{name}.blocks.{block}.0.weight' in self.p:
            x = F.conv_transpose2d(
                x,
                self.p[f'{name}.blocks.{block}.0.weight'],
                stride=2,
                padding=1,
                output_padding=1)
            x = F.relu(self.bn(x, f'{name}.blocks.{block}.1', training))
            outputs.append(x)
            block += 1
        return outputs[::-1]

    # -------------------------------------------------------- optimizers
    def names(self, learner):
        return [k for k in self.p if k.split('.', 1)[0] == learner]

    def grads(self, learner, loss):
        names = self.names(learner)
        return names, torch.autograd.grad(loss, [self.p[n] for n in names])

    def sgd(self, learner, loss, lr, weight_decay, momentum=0.9):
        for name, grad in zip(*self.grads(learner, loss)):
            p = self.p[name].detach()
            grad = grad + weight_decay * p
            buf = self.state.get(name)
            buf = grad.clone() if buf is None else momentum * buf + grad
            self.state[name] = buf
            self.p[name] = (p - lr * (grad + momentum * buf)).requires_grad_()

    def adam(self,
             learner,
             loss,
             lr,
             weight_decay,
             betas=(0.9, 0.999),
             eps=1e-8):
        for name, grad in zip(*self.grads(learner, loss)):
            p = self.p[name].detach()
            grad = grad + weight_decay * p
            m, v, t = self.state.get(
                name, (torch.zeros_like(p), torch.zeros_like(p), 0))
            m = betas[0] * m + (1 - betas[0]) * grad
            v = betas[1] * v + (1 - betas[1]) * grad * grad
            t += 1
            self.state[name] = (m, v, t)
            m_hat, v_hat = m / (1 - betas[0]**t), v / (1 - betas[1]**t)
            self.p[name] = (p - lr * m_hat /
                            (torch.sqrt(v_hat) + eps)).requires_grad_()

    # --------------------------------------------------------- iteration
    def step(self, inputs, labels, epoch):
        """Forward all; step the students, the fusion module, the leader,
        then train the decoders. Returns every term by learner."""
        e = epoch + 1
        factor = (
            math.exp(-5 * (1 - e / self.warmup_epochs)**2)
            if e <= self.warmup_epochs else 1.0)
        lam = {k: v * factor for k, v in self.lambdas.items()}
        features, logits = {}, {}
        for name in ['leader'] + STUDENTS:
            features[name], logits[name] = self.network(name, inputs)
        A = ref_attention
        d = ref_distance
        cat = torch.cat([features[s][-1].detach() for s in STUDENTS], 1)
        fused = self.separable(cat, 'fusion.fuse.')
        z_fus = (
            fused.mean((2, 3)) @ self.p['fusion.fc.weight'].t() +
            self.p['fusion.fc.bias'])

        terms = {}
        for i, s in enumerate(STUDENTS):
            peers = [o for o in STUDENTS if o != s]
            terms[s] = dict(
                loss_ce=ref_ce(logits[s], labels),
                loss_kd=sum(
                    ref_kl(logits[o].detach(), logits[s])
                    for o in peers) / (len(STUDENTS) - 1))
            if i == 0:
                continue
            previous = features[STUDENTS[i - 1]][-1].detach()
            gap = ref_unit(A(features[s][-1])) - ref_sigma(A(previous))
            terms[s]['loss_div'] = lam['div'] * (gap * gap).mean()
            with torch.no_grad():
                targets = self.decode(
                    f'decoder_{s}', ref_phi(previous), training=False)
            terms[s]['loss_sd'] = lam[self.sd_weight] * sum(
                d(A(f), A(g)) for f, g in zip(features[s][:-1], targets))
        mean_logits = sum(logits[s] for s in STUDENTS) / len(STUDENTS)
        terms['fusion'] = dict(
            loss_ce=ref_ce(z_fus, labels),
            loss_kd=ref_kl(mean_logits.detach(), z_fus))
        leader = features['leader']
        transferred = self.separable(
            leader[-1], 'leader.distill_connectors.trans_fusion.layers.')
        with torch.no_grad():
            targets = self.decode(
                'decoder_leader', fused.detach(), training=False)
        terms['leader'] = dict(
            loss_ce=ref_ce(logits['leader'], labels),
            loss_kd=ref_kl(z_fus.detach(), logits['leader']),
            loss_fusion=lam['fus'] * d(A(leader[-1]), A(fused.detach())),
            loss_trans_fusion=lam['fus'] * d(A(transferred), A(cat)),
            loss_sd=lam['fus'] *
            sum(d(A(f), A(g)) for f, g in zip(leader[:-1], targets)))

        for s in STUDENTS:
            self.sgd(s, sum(terms[s].values()), 0.1, 1e-4)
        self.sgd('fusion', sum(terms['fusion'].values()), 0.1, 1e-5)
        self.sgd('leader', sum(terms['leader'].values()), 0.1, 1e-4)

        for name in STUDENTS[1:] + ['leader']:
            decoder = f'decoder_{name}'
            own = [f.detach() for f in features[name]]
            decoded = self.decode(decoder, own[-1], training=True)
            pairs = list(zip(own[:-1], decoded))
            terms[decoder] = dict(
                loss_feature=lam['sd'] * sum(d(g, f) for f, g in pairs),
                loss_attention=lam['sd'] *
                sum(d(A(g), A(f)) for f, g in pairs))
            self.adam(decoder, sum(terms[decoder].values()), 1e-3, 1e-4)
        return factor, {
            k: {
                t: v.item()
                for t, v in parts.items()
            }
            for k, parts in terms.items()
        }


@pytest.fixture
def float64(monkeypatch):
    """Default dtype float64, and ``Tensor.float()`` leaves float64 alone.

    The model casts inputs, logits and stage features with ``.float()``
    (for mixed precision): on a float64 model the float32 stage features
    would meet the float64 fusion module (a dtype error) and the losses
    would be computed in float32, too coarse for a 1e-10 comparison."""
    to_float = torch.Tensor.float

    def keep_float64(self, *args, **kwargs):
        if self.dtype == torch.float64:
            return self
        return to_float(self, *args, **kwargs)

    monkeypatch.setattr(torch.Tensor, 'float', keep_float64)
    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(default)


@pytest.mark.parametrize(
    'kwargs, epochs', [
        ({}, (0, 0, 1)),
        (dict(
            lambda_div=0.3,
            lambda_sd=2.0,
            lambda_fus=3.0,
            student_sd_weight='lambda_sd',
            warmup_epochs=2), (0, 1, 2)),
    ],
    ids=['released', 'every-term-large'])
def test_three_iterations_match_a_plain_pytorch_reference(
        float64, set_epoch, kwargs, epochs):
    """Every logged term, every weight (the leader's trans-fusion head,
    the students, the fusion module, the decoders) and every BN running
    statistic agree with the reference to 1e-10 after each of three
    iterations (epochs 0, then 1: the warm-up changes)."""
    model = build(seed=3, **kwargs)
    model.double()
    optim = optimizers(model)
    lambdas = dict(
        div=kwargs.get('lambda_div', 1e-5),
        sd=kwargs.get('lambda_sd', 1000.0),
        fus=kwargs.get('lambda_fus', 10.0))
    reference = ReferenceFFSD(
        model, lambdas,
        kwargs.get('student_sd_weight', 'lambda_div').removeprefix('lambda_'),
        kwargs.get('warmup_epochs', 5))
    assert set(reference.p) | set(reference.b) == set(model.state_dict())
    for iteration, epoch in enumerate(epochs):
        data, inputs, labels = batch(10 + iteration)
        assert inputs.dtype == torch.float64
        set_epoch(epoch)
        log_vars = model.train_step(data, optim)
        factor, terms = reference.step(inputs, labels, epoch)
        assert {k: list(v) for k, v in terms.items()} == TERMS
        assert log_vars['ffsd/warmup'].item() == pytest.approx(
            factor, rel=1e-15)
        for learner, parts in terms.items():
            for term, value in parts.items():
                logged = log_vars[f'{learner}/{term}']
                assert logged.dtype == torch.float64
                assert logged.item() == pytest.approx(
                    value, rel=1e-10), (iteration, learner, term)
        state = model.state_dict()
        for key, value in state.items():
            expected = reference.p.get(key, reference.b.get(key))
            if key.endswith('num_batches_tracked'):
                assert value.item() == expected.item() == iteration + 1, key
                continue
            torch.testing.assert_close(
                value,
                expected.detach(),
                rtol=1e-10,
                atol=1e-10,
                msg=lambda m, key=key: f'iteration {iteration}, {key}: {m}')
