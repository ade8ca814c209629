"""Each of the ten feature distillers, as a config term of offline KD,
trains on Fashion-MNIST through tools/train.py and resumes exactly from a
mid-epoch checkpoint: connectors, embeddings, regressor, variance,
translator, frozen paraphraser, CRD's memories and Z included."""
import torch
from mmengine.config import Config
from mmengine.runner.checkpoint import _load_checkpoint
from mmpretrain.registry import MODELS

from switokd_mm.models.losses.feature import Paraphraser
from switokd_mm.utils import load_records
from tests.conftest import REPO, run_train

TEN = (REPO / 'tests' / 'fixtures' /
       'tiny_offline_kd_ten_losses_fashion_mnist.py')
NAMES = ('fitnet', 'at', 'nst', 'sp', 'vid', 'ft', 'rkd', 'pkt', 'cc', 'crd')


def frozen_parts(folder):
    """A seeded teacher and paraphraser, saved; the options that use
    them."""
    torch.manual_seed(0)
    teacher = MODELS.build(Config.fromfile(TEN).model.teacher)
    torch.save(dict(state_dict=teacher.state_dict()), folder / 't.pth')
    paraphraser = Paraphraser(64, 0.5)
    torch.save(
        dict(state_dict={
            f'paraphraser.{k}': v
            for k, v in paraphraser.state_dict().items()
        }), folder / 'p.pth')
    ft_index = NAMES.index('ft')
    return [
        f"model.teacher_ckpt={folder / 't.pth'}",
        f'model.distill_terms.{ft_index}.loss.paraphraser_ckpt='
        f"{folder / 'p.pth'}",
    ], teacher.state_dict()


def test_ten_distillers_train_and_resume_exactly(tmp_path,
                                                 fashion_mnist_root):
    options, teacher = frozen_parts(tmp_path)
    straight, resumed = tmp_path / 'straight', tmp_path / 'resumed'
    run_train(straight, fashion_mnist_root, 'straight', '--cfg-options',
              *options, config=TEN)
    logged = [r for r in load_records(straight) if 'student/loss' in r]
    for name in NAMES:
        values = [r[f'student/loss_{name}'] for r in logged]
        assert all(v == v and v >= 0 for v in values), name
        assert any(v > 0 for v in values), name
    first = _load_checkpoint(str(straight / 'iter_3.pth'))['state_dict']
    last = _load_checkpoint(str(straight / 'iter_16.pth'))['state_dict']
    # every trainable part moved; the frozen ones did not
    for key in ('distill_connectors.fitnet.conv.weight',
                'distill_losses.vid.alpha',
                'distill_losses.cc.student_embed.weight',
                'distill_losses.ft.translator.encoder.0.weight',
                'distill_losses.crd.embed_teacher.weight',
                'distill_losses.crd.memory_student'):
        key = f'student.{key}'
        assert not torch.equal(first[key], last[key]), key
    assert torch.equal(
        last['student.distill_losses.ft.paraphraser.encoder.0.weight'],
        first['student.distill_losses.ft.paraphraser.encoder.0.weight'])
    for key, value in teacher.items():
        assert torch.equal(last[f'teacher.{key}'], value), key

    resumed.mkdir()
    (resumed / 'iter_6.pth').write_bytes(
        (straight / 'iter_6.pth').read_bytes())
    run_train(resumed, fashion_mnist_root, 'resumed', '--resume',
              '--cfg-options', *options, config=TEN)
    again = _load_checkpoint(str(resumed / 'iter_16.pth'))['state_dict']
    assert last.keys() == again.keys()
    for key, value in last.items():
        assert torch.equal(value, again[key]), key
