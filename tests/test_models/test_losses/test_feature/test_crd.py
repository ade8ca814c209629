"""CRD: the NCE loss by hand, the whole loss against an independent
computation, the memories' momentum update, Z, shared negatives, masks."""
import math

import pytest
import torch
import torch.nn.functional as F
from mmpretrain.registry import MODELS

from switokd_mm.models.losses.feature.crd import (CRDLoss, contrast_indices,
                                                  contrast_scores, nce_loss)


def test_nce_loss_by_hand():
    probabilities = torch.tensor([[0.5, 0.1, 0.2], [0.05, 0.3, 0.0]],
                                 dtype=torch.float64)
    noise = 2 / 10  # K = 2 negatives, N = 10
    expected = [
        -(math.log(p[0] / (p[0] + noise + 1e-7)) + sum(
            math.log(noise / (q + noise + 1e-7)) for q in p[1:]))
        for p in probabilities.tolist()
    ]
    assert nce_loss(probabilities, 10).tolist() == pytest.approx(expected)


def small_loss(**kwargs):
    torch.manual_seed(0)
    loss = CRDLoss(
        student_channels=3,
        teacher_channels=5,
        num_samples=10,
        embed_dim=4,
        num_negatives=6,
        temperature=0.5,
        momentum=0.25,
        **kwargs).double()
    student = torch.randn(3, 3, dtype=torch.float64, requires_grad=True)
    teacher = torch.randn(3, 5, dtype=torch.float64)
    return loss, student, teacher, torch.tensor([7, 2, 4])


def reference(loss, student, teacher, idx, rows):
    """The loss, Z and updated memories written out sample by sample."""
    memory_s = loss.memory_student.clone()
    memory_t = loss.memory_teacher.clone()
    v_s = F.normalize(loss.embed_student(student), dim=1)
    v_t = F.normalize(loss.embed_teacher(teacher), dim=1)
    scores = {'s': [], 't': []}
    for b in range(len(idx)):
        scores['s'].append(
            torch.stack([
                torch.exp(memory_t[r].dot(v_s[b]) / 0.5) for r in rows[b]
            ]))
        scores['t'].append(
            torch.stack([
                torch.exp(memory_s[r].dot(v_t[b]) / 0.5) for r in rows[b]
            ]))
    z = {k: torch.stack(v).mean().item() * 10 for k, v in scores.items()}
    noise = 6 / 10
    total = 0
    for side in 's', 't':
        for score in scores[side]:
            p = score / z[side]
            total = total - torch.log(p[0] / (p[0] + noise + 1e-7))
            for q in p[1:]:
                total = total - torch.log(noise / (q + noise + 1e-7))
    memories = []
    for memory, v in ((memory_s, v_s), (memory_t, v_t)):
        memory = memory.clone()
        for b, i in enumerate(idx.tolist()):
            memory[i] = F.normalize(
                0.25 * memory[i] + 0.75 * v[b].detach(), dim=0)
        memories.append(memory)
    return total / len(idx), z, memories


def test_loss_z_and_memories_match_an_independent_computation():
    loss, student, teacher, idx = small_loss()
    torch.manual_seed(5)
    rows = contrast_indices(idx, 10, 6, share=False)
    expected, z, memories = reference(loss, student, teacher, idx, rows)
    torch.manual_seed(5)
    value = loss(student, teacher, sample_idx=idx)
    assert value.item() == pytest.approx(expected.item(), rel=1e-9)
    assert loss.normalizer.tolist() == pytest.approx([z['s'], z['t']])
    torch.testing.assert_close(loss.memory_student, memories[0])
    torch.testing.assert_close(loss.memory_teacher, memories[1])
    # rows that no sample of the batch owns are untouched
    untouched = [r for r in range(10) if r not in idx.tolist()]
    assert not (loss.memory_student[untouched] - memories[0][untouched]).any()


def test_z_is_set_once_and_kept():
    loss, student, teacher, idx = small_loss()
    loss(student, teacher, sample_idx=idx)
    first = loss.normalizer.clone()
    loss(student * 3, teacher, sample_idx=idx)
    assert torch.equal(loss.normalizer, first)
    assert (first > 0).all()


def test_shared_negatives_score_like_per_sample_rows_with_the_same_draw():
    loss, student, teacher, idx = small_loss()
    anchor = F.normalize(torch.randn(3, 4, dtype=torch.float64), dim=1)
    shared = contrast_indices(idx, 10, 6, share=True)
    per_sample = torch.cat(
        [idx.view(-1, 1), shared[3:].expand(3, -1)], dim=1)
    torch.testing.assert_close(
        contrast_scores(anchor, loss.memory_teacher, shared, 0.5),
        contrast_scores(anchor, loss.memory_teacher, per_sample, 0.5))


def test_a_sample_of_weight_zero_gets_no_gradient_and_adds_nothing():
    loss, student, teacher, idx = small_loss()
    weight = torch.tensor([1.0, 0.0, 1.0], dtype=torch.float64)
    state = {k: v.clone() for k, v in loss.state_dict().items()}
    torch.manual_seed(3)
    value = loss(student, teacher, weight, sample_idx=idx)
    value.backward()
    assert not student.grad[1].any() and student.grad[0].any()
    loss.load_state_dict(state)
    torch.manual_seed(3)
    full = loss(student, teacher, sample_idx=idx, weight=None)
    # the weighted mean over 3 samples with one left out is smaller
    assert 0 < value.item() < full.item()


def test_a_sample_of_weight_zero_leaves_its_memory_rows_alone():
    loss, student, teacher, idx = small_loss()
    before = {n: getattr(loss, n).clone()
              for n in ('memory_student', 'memory_teacher')}
    loss(student, teacher, torch.tensor([1.0, 0.0, 1.0]), sample_idx=idx)
    for name, memory in before.items():
        after = getattr(loss, name)
        # sample 1 (index 2) was not distilled: its rows stay
        assert torch.equal(after[2], memory[2]), name
        assert not torch.equal(after[7], memory[7]), name
        assert not torch.equal(after[4], memory[4]), name
        untouched = [r for r in range(10) if r not in (7, 4)]
        assert torch.equal(after[untouched], memory[untouched]), name


def test_embeddings_get_gradients_and_belong_to_the_loss():
    loss, student, teacher, idx = small_loss()
    loss(student, teacher, sample_idx=idx).backward()
    for name in ('embed_student', 'embed_teacher'):
        assert getattr(loss, name).weight.grad.abs().sum() > 0
    assert {'memory_student', 'memory_teacher',
            'normalizer'} <= set(loss.state_dict())


@pytest.mark.parametrize('idx', [[0, 10, 3], [-1, 2, 3]])
def test_a_sample_index_outside_the_memory_is_refused(idx):
    loss, student, teacher, _ = small_loss()
    with pytest.raises(ValueError, match='num_samples'):
        loss(student, teacher, sample_idx=torch.tensor(idx))


def test_missing_indices_are_refused():
    loss, student, teacher, _ = small_loss()
    with pytest.raises(ValueError, match='dataset indices'):
        loss(student, teacher)


def test_builds_from_a_config_and_scales_with_loss_weight():
    kwargs = dict(
        type='CRDLoss',
        student_channels=3,
        teacher_channels=5,
        num_samples=10,
        embed_dim=4,
        num_negatives=6)
    values = []
    for weight in (1.0, 0.8):
        torch.manual_seed(0)
        loss = MODELS.build(dict(kwargs, loss_weight=weight))
        torch.manual_seed(1)
        values.append(
            loss(torch.ones(2, 3), torch.ones(2, 5),
                 sample_idx=torch.tensor([0, 1])).item())
    assert values[1] == pytest.approx(0.8 * values[0])
