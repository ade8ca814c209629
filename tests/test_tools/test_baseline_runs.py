"""Baselines through tools/train.py on real data: KDCL trains both
networks; its exported teacher then teaches OfflineKD, unchanged, also with
a config-only attention-transfer term."""
from mmengine.runner.checkpoint import _load_checkpoint

from switokd_mm.utils import load_records
from tests.conftest import REPO, run_train
from tools.model_converters.export_student import export

FIXTURES = REPO / 'tests' / 'fixtures'


def train(config, work_dir, data_root, name, *options):
    extra = ('--cfg-options', *options) if options else ()
    run_train(work_dir, data_root, name, *extra, config=FIXTURES / config)


def last_accuracy(work_dir, network):
    return [
        r for r in load_records(work_dir) if f'{network}/accuracy/top1' in r
    ][-1][f'{network}/accuracy/top1']


def test_kdcl_then_offline_kd(tmp_path, fashion_mnist_root):
    kdcl_dir, kd_dir = tmp_path / 'kdcl', tmp_path / 'kd'
    train('tiny_kdcl_fashion_mnist.py', kdcl_dir, fashion_mnist_root, 'kdcl')
    records = load_records(kdcl_dir)
    assert any('teacher/loss_kd' in r for r in records)
    stems = export(
        str(kdcl_dir / 'epoch_1.pth'),
        str(tmp_path / 'exported'),
        networks=('teacher', ))

    train('tiny_offline_kd_fashion_mnist.py', kd_dir, fashion_mnist_root,
          'offline_kd', f"model.teacher_ckpt={stems['teacher']}.pth")
    kdcl = _load_checkpoint(str(kdcl_dir / 'epoch_1.pth'))['state_dict']
    kd = _load_checkpoint(str(kd_dir / 'epoch_1.pth'))['state_dict']
    teacher_keys = [k for k in kdcl if k.startswith('teacher.')]
    assert teacher_keys and all((kd[k] == kdcl[k]).all() for k in teacher_keys)
    assert last_accuracy(kd_dir,
                         'teacher') == last_accuracy(kdcl_dir, 'teacher')
    assert any(not (kd[k] == kdcl[k]).all() for k in kdcl
               if k.startswith('student.') and 'running' not in k)

    # the same with a config-only attention-transfer term
    at_dir = tmp_path / 'kd_at'
    train('tiny_offline_kd_at_fashion_mnist.py', at_dir, fashion_mnist_root,
          'offline_kd_at', f"model.teacher_ckpt={stems['teacher']}.pth")
    assert all(r['student/loss_at_teacher'] > 0
               for r in load_records(at_dir) if 'student/loss' in r)
    at = _load_checkpoint(str(at_dir / 'epoch_1.pth'))['state_dict']
    assert all((at[k] == kdcl[k]).all() for k in teacher_keys)
