"""PerNetworkMetric: one metric per network, prefixed."""
import pytest
import torch
from mmpretrain.registry import METRICS
from mmpretrain.structures import DataSample


def samples(student_preds, teacher_preds, labels, with_teacher=True):
    out = []
    for s, t, y in zip(student_preds, teacher_preds, labels):
        sample = DataSample().set_gt_label(y).set_pred_score(
            torch.nn.functional.one_hot(torch.tensor(s), 3).float())
        if with_teacher:
            sample.set_field(
                DataSample().set_pred_score(
                    torch.nn.functional.one_hot(torch.tensor(t), 3).float()),
                'teacher')
        out.append(sample.to_dict())
    return out


def test_reports_each_network():
    metric = METRICS.build(
        dict(
            type='PerNetworkMetric', metric=dict(type='Accuracy', topk=(1, ))))
    # student right on 1 of 4, teacher right on 3 of 4
    metric.process(None,
                   samples([0, 2, 2, 2], [0, 1, 2, 1], labels=[0, 1, 1, 0]))
    results = metric.evaluate(4)
    assert results['student/accuracy/top1'] == pytest.approx(25.0)
    assert results['teacher/accuracy/top1'] == pytest.approx(50.0)


def test_missing_teacher_predictions_are_reported():
    metric = METRICS.build(
        dict(type='PerNetworkMetric', metric=dict(type='Accuracy')))
    with pytest.raises(KeyError, match='eval_teacher=True'):
        metric.process(None, samples([0], [0], [0], with_teacher=False))


def test_student_only():
    metric = METRICS.build(
        dict(
            type='PerNetworkMetric',
            metric=dict(type='Accuracy'),
            networks=['student']))
    metric.process(None, samples([1, 1], [0, 0], [1, 0], with_teacher=False))
    assert metric.evaluate(2) == {'student/accuracy/top1': 50.0}
