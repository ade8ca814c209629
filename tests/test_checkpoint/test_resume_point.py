"""--resume without a path never trusts a broken last_checkpoint."""
import os

from switokd_mm.checkpoint import find_resume_checkpoint


def make_checkpoints(work_dir, *names):
    for age, name in enumerate(names):
        path = work_dir / name
        path.write_bytes(b'weights')
        os.utime(path, (1000 - age, 1000 - age))  # first name is newest


def test_follows_last_checkpoint_when_it_names_a_file(tmp_path):
    make_checkpoints(tmp_path, 'iter_9.pth', 'iter_6.pth')
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'iter_6.pth'))
    assert find_resume_checkpoint(str(tmp_path)) == str(tmp_path /
                                                        'iter_6.pth')


def test_empty_or_dangling_pointer_falls_back_to_newest(tmp_path):
    make_checkpoints(tmp_path, 'best_student_accuracy_top1_iter_12.pth',
                     'iter_9.pth', 'iter_6.pth')
    newest = str(tmp_path / 'iter_9.pth')
    pointer = tmp_path / 'last_checkpoint'
    pointer.write_text('')  # killed while mmengine rewrote it
    assert find_resume_checkpoint(str(tmp_path)) == newest
    pointer.write_text(str(tmp_path / 'iter_12.pth'))  # deleted since
    assert find_resume_checkpoint(str(tmp_path)) == newest
    pointer.unlink()
    assert find_resume_checkpoint(str(tmp_path)) == newest


def test_nothing_to_resume(tmp_path):
    assert find_resume_checkpoint(str(tmp_path)) is None
    make_checkpoints(tmp_path, 'best_accuracy_top1_epoch_1.pth')
    assert find_resume_checkpoint(str(tmp_path)) is None


def test_only_training_checkpoints_of_the_run_are_candidates(tmp_path):
    """An exported network or a best checkpoint is never resumed from."""
    make_checkpoints(tmp_path, 'student.pth', 'best_accuracy_top1_epoch_2.pth',
                     'epoch_1.pth')
    assert find_resume_checkpoint(str(tmp_path)) == str(tmp_path /
                                                        'epoch_1.pth')
    (tmp_path / 'epoch_1.pth').unlink()
    assert find_resume_checkpoint(str(tmp_path)) is None
