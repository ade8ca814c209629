"""Learners of any kind with roles as data: classifiers run on the batch,
other modules run by the algorithm, each with its own optimizer."""
import copy

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS

from switokd_mm.models.algorithms.multi_network_model import MultiNetworkModel
from switokd_mm.models.utils import update_learners
from tests.conftest import linear_classifier, make_batch

K = 3


@MODELS.register_module(force=True)
class CountingProbe(nn.Linear):
    """A non-classifier learner (test only) that counts its calls."""

    def __init__(self, classes: int) -> None:
        super().__init__(classes, classes)
        self.calls = 0

    def forward(self, x):
        self.calls += 1
        return super().forward(x)


@MODELS.register_module(force=True)
class ProbedStudent(MultiNetworkModel):
    """A student and a probe that learns to predict the labels from the
    student's logits (test only)."""
    required_roles = ('student', )

    def train_step(self, data, optim_wrapper):
        logits, targets = self._forward_all(data, optim_wrapper)
        probe = self.learners['probe'](logits['s'].detach())
        losses = dict(
            s=F.cross_entropy(logits['s'], targets),
            probe=F.cross_entropy(probe, targets))
        update_learners(optim_wrapper, losses)
        return {f'{k}/loss': v.detach() for k, v in losses.items()}


def probed(**probe_spec):
    torch.manual_seed(0)
    return MODELS.build(
        dict(
            type='ProbedStudent',
            networks=dict(
                s=dict(role='student', model=linear_classifier(K)),
                probe=dict(
                    role='probe',
                    module=dict(type='CountingProbe', classes=K),
                    **probe_spec))))


def test_a_module_learner_has_its_role_and_optimizer_and_is_not_run():
    model = probed()
    assert model.roles == {'s': 'student', 'probe': 'probe'}
    assert list(model.nets) == ['s'] and list(model.learners) == ['s', 'probe']
    sgd = dict(optimizer=dict(type='SGD', lr=0.5))
    optim = OPTIM_WRAPPER_CONSTRUCTORS.build(
        dict(
            type='PerNetworkOptimWrapperConstructor',
            optim_wrapper_cfg=dict(s=sgd, probe=copy.deepcopy(sgd))))(
                model)
    weight = model.probe.weight.detach().clone()
    model._forward_all(make_batch(torch.eye(K), range(K)), optim)
    assert model.probe.calls == 0  # the algorithm runs it, not the model
    model.train_step(make_batch(torch.eye(K), range(K)), optim)
    assert model.probe.calls == 1
    assert not torch.equal(model.probe.weight, weight)
    assert 'probe.weight' in model.state_dict()


@pytest.mark.parametrize('networks, message', [
    (dict(
        s=dict(
            role='student',
            model=linear_classifier(K),
            module=dict(type='CountingProbe', classes=K))),
     'model=<classifier>'),
    (dict(s=dict(role='', model=linear_classifier(K))), 'role=<role>'),
    (dict(
        p=dict(role='student', module=dict(type='CountingProbe', classes=K))),
     "none is a student"),
])
def test_bad_learners_are_named(networks, message):
    with pytest.raises(ValueError, match=message):
        MODELS.build(dict(type='ProbedStudent', networks=networks))


def test_switokd_takes_only_teachers_and_students_as_classifiers():
    with pytest.raises(ValueError, match="'lead': 'leader'"):
        MODELS.build(
            dict(
                type='MultiSwitOKD',
                networks=dict(
                    t=dict(role='teacher', model=linear_classifier(K)),
                    s=dict(role='student', model=linear_classifier(K)),
                    lead=dict(role='leader', model=linear_classifier(K)))))
