"""summarize_records: every network's last and own best validation top-1."""
from switokd_mm.utils import summarize_records
from tools.analysis.summarize_run import format_summary


def test_last_and_best_epoch_per_network():
    records = [
        dict(step=1, **{'student/accuracy/top1': 50.0,
                        'teacher/accuracy/top1': 70.0}),
        dict(step=2, **{'student/accuracy/top1': 60.0,
                        'teacher/accuracy/top1': 65.0}),
        dict(step=3, **{'student/accuracy/top1': 55.0,
                        'teacher/accuracy/top1': 66.0}),
    ]
    summary = summarize_records(records)
    assert summary['student/accuracy/top1'] == 55.0
    assert summary['best/student/accuracy/top1'] == 60.0
    assert summary['best_step/student/accuracy/top1'] == 2
    assert summary['best/teacher/accuracy/top1'] == 70.0
    assert summary['best_step/teacher/accuracy/top1'] == 1
    text = format_summary('w', summary)
    assert 'student/accuracy/top1: last 55.00%, best 60.00% (epoch 2)' in text
    assert 'teacher/accuracy/top1: last 66.00%, best 70.00% (epoch 1)' in text
