"""SAKD through tools/train.py on Fashion-MNIST (the config's pair, a
random frozen WRN-16-1 teacher, mixed start): it trains the student and
the policy and logs every spot's share per iteration and per epoch, the
shares plot, a kill -9 in the middle of an epoch then ``--resume`` ends
exactly where an uninterrupted run ends (Gumbel noise included), and the
exported student (without policy or distillers) scores, in a plain
mmengine Runner, what the run reported."""
import signal

import pytest
import torch
from mmengine.config import Config
from mmengine.runner.checkpoint import _load_checkpoint
from mmpretrain.registry import MODELS

from switokd_mm.utils import load_records
from tests.conftest import REPO, plain_runner_top1, run_train
from tests.test_tools.test_train_lock import train
from tools.analysis.plot_spot_shares import main as plot_spot_shares
from tools.model_converters.export_student import main as export_student

SAKD = (
    REPO / 'configs' / 'fashion_mnist' /
    'sakd-at_wrn16-1_resnet8-w4_1xb128_fashion-mnist.py')
SPOTS = ('f1', 'f2', 'f3', 'logits')
#: 256 training images in batches of 32, two epochs
ITERS_PER_EPOCH, EPOCHS = 8, 2
LAST = ITERS_PER_EPOCH * EPOCHS

TINY = '''\
_base_ = [{base!r}]
custom_imports = dict(
    imports=['switokd_mm', 'tests.fixtures.modules'],
    allow_failed_imports=False)
model = dict(teacher_ckpt={teacher!r}, homo=False)
train_dataloader = dict(batch_size=32, dataset=dict(indices=256))
val_dataloader = dict(batch_size=64, dataset=dict(indices=128))
test_dataloader = val_dataloader
train_cfg = dict(max_epochs={epochs})
default_hooks = dict(
    logger=dict(interval=4),
    checkpoint=dict(by_epoch=False, interval=3, max_keep_ckpts=-1))
custom_hooks = {hooks!r}
randomness = dict(seed=0, deterministic=True)
'''


def tiny_sakd_config(folder, *hooks):
    """A seeded random WRN-16-1 saved as the frozen teacher in ``folder``,
    and a config of the SAKD run with AT spots on 256 training and 128
    validation images (random crop and flip), two epochs of 8 iterations
    with a checkpoint every 3 iterations (all kept), a mixed start
    (``homo=False``) and the test ``hooks`` of tests/fixtures/modules.py
    (by type name); returns the config's path and the teacher's
    weights."""
    torch.manual_seed(0)
    teacher = MODELS.build(Config.fromfile(SAKD).model.teacher)
    torch.save(dict(state_dict=teacher.state_dict()), folder / 't.pth')
    config = folder / 'tiny_sakd.py'
    config.write_text(
        TINY.format(
            base=str(SAKD),
            teacher=str(folder / 't.pth'),
            epochs=EPOCHS,
            hooks=[dict(type=hook) for hook in hooks]))
    return str(config), teacher.state_dict()


@pytest.fixture(scope='module')
def tiny_sakd(tmp_path_factory):
    return tiny_sakd_config(
        tmp_path_factory.mktemp('sakd_setup'), 'SelfKillHook')


@pytest.fixture(scope='module')
def straight(tmp_path_factory, fashion_mnist_root, tiny_sakd):
    work_dir = tmp_path_factory.mktemp('sakd_straight')
    run_train(work_dir, fashion_mnist_root, 'straight', config=tiny_sakd[0])
    return work_dir


def share_series(work_dir, kind):
    """``{spot: {step: share}}`` of the ``sakd/<kind>_share_*`` scalars."""
    series = {}
    for record in load_records(work_dir):
        for spot in SPOTS:
            key = f'sakd/{kind}_share_{spot}'
            if key in record:
                series.setdefault(spot, {})[record['step']] = record[key]
    return series


def log_text(work_dir):
    return ''.join(log.read_text() for log in work_dir.glob('*/*.log'))


def test_sakd_trains_and_logs_every_spots_share(straight, tiny_sakd):
    per_iter = share_series(straight, 'iter')
    per_epoch = share_series(straight, 'epoch')
    assert set(per_iter) == set(per_epoch) == set(SPOTS)
    shares = []
    for spot in SPOTS:
        assert sorted(per_iter[spot]) == list(range(1, LAST + 1)), spot
        assert sorted(per_epoch[spot]) == list(range(1, EPOCHS + 1)), spot
        shares += per_iter[spot].values()
        for epoch, mean in per_epoch[spot].items():
            first = (epoch - 1) * ITERS_PER_EPOCH + 1
            epoch_iters = [
                per_iter[spot][step]
                for step in range(first, first + ITERS_PER_EPOCH)
            ]
            assert mean == pytest.approx(sum(epoch_iters) /
                                         ITERS_PER_EPOCH), (spot, epoch)
    assert all(0 <= share <= 1 for share in shares)
    assert any(0 < share < 1 for share in shares), 'the decisions mix'
    assert not all(share == 1 for share in shares)

    log = log_text(straight)
    for spot in SPOTS:
        assert f'sakd/share_{spot}: ' in log, spot
    for epoch in range(1, EPOCHS + 1):
        assert (f'SAKD epoch {epoch}: share of samples distilled per spot '
                f'over {ITERS_PER_EPOCH} iterations: f1 ') in log
    records = [r for r in load_records(straight) if 'policy/loss' in r]
    assert records and all(r['policy/loss'] == r['policy/loss']
                           for r in records)

    first = _load_checkpoint(str(straight / 'iter_3.pth'))['state_dict']
    last = _load_checkpoint(str(straight / f'iter_{LAST}.pth'))['state_dict']
    for learner in ('student', 'policy'):
        assert any(not torch.equal(value, last[key])
                   for key, value in first.items()
                   if key.startswith(f'{learner}.')), learner
    for key, value in tiny_sakd[1].items():
        assert torch.equal(last[f'teacher.{key}'], value), key


def test_plot_spot_shares_of_the_run(straight):
    written = plot_spot_shares([str(straight)])
    plot = straight / 'plots' / 'spot_shares.png'
    assert written == [plot]
    assert plot.stat().st_size > 0


def test_kill_mid_epoch_then_resume_equals_the_uninterrupted_run(
        straight, tiny_sakd, tmp_path, fashion_mnist_root):
    """kill -9 after iteration 11 (epoch 2, batch 3 of 8; last checkpoint
    at iteration 9), then ``--resume``: student, policy (weights, BatchNorm
    statistics, both optimizers), the epoch's shares and the teacher are
    those of the uninterrupted run, so the Gumbel noise was drawn alike."""
    config, teacher = tiny_sakd
    killed_dir = tmp_path / 'killed'
    killed = train(
        config, killed_dir, fashion_mnist_root, env=dict(KILL_AT_ITER='11'))
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
    assert (killed_dir / 'last_checkpoint').read_text().endswith('iter_9.pth')
    run_train(
        killed_dir, fashion_mnist_root, 'resumed', '--resume', config=config)

    expected = _load_checkpoint(str(straight / f'iter_{LAST}.pth'))
    resumed = _load_checkpoint(str(killed_dir / f'iter_{LAST}.pth'))
    assert expected['meta']['iter'] == resumed['meta']['iter'] == LAST
    assert expected['state_dict'].keys() == resumed['state_dict'].keys()
    assert any('policy.' in key and 'running_mean' in key
               for key in expected['state_dict'])
    for key, value in expected['state_dict'].items():
        assert torch.equal(value, resumed['state_dict'][key]), key
    for key, value in teacher.items():
        assert torch.equal(resumed['state_dict'][f'teacher.{key}'], value), key
    assert set(expected['optimizer']) == {'student', 'policy'}
    for learner in ('student', 'policy'):
        states = expected['optimizer'][learner]['state']
        assert states, learner
        for index, state in states.items():
            for name, value in state.items():
                assert torch.equal(
                    torch.as_tensor(value),
                    torch.as_tensor(resumed['optimizer'][learner]['state']
                                    [index][name])), (learner, name)
    # the resumed run reports the whole second epoch, as the straight one
    assert share_series(killed_dir, 'epoch') == share_series(straight, 'epoch')
    assert share_series(killed_dir, 'iter') == share_series(straight, 'iter')
    assert (f'SAKD epoch {EPOCHS}: share of samples distilled per spot over '
            f'{ITERS_PER_EPOCH} iterations') in log_text(killed_dir)


def test_exported_student_scores_in_plain_mmengine_what_the_run_did(
        straight, tmp_path):
    export_student([
        str(straight / f'iter_{LAST}.pth'),
        str(tmp_path / 'out'), '--networks', 'student'
    ])
    stem = tmp_path / 'out' / 'student'
    weights = torch.load(f'{stem}.pth', weights_only=True)['state_dict']
    assert weights
    assert not any(
        key.startswith('policy') or 'distill_' in key for key in weights)
    assert not (tmp_path / 'out' / 'policy.pth').exists()
    logged = [
        r['student/accuracy/top1'] for r in load_records(straight)
        if 'student/accuracy/top1' in r
    ][-1]
    assert plain_runner_top1(stem, tmp_path / 'test') == pytest.approx(logged)
