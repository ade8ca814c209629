"""A config-only FitNet + AT term on SwitOKD trains on Fashion-MNIST and
resumes exactly from a mid-epoch checkpoint (the connector and its
optimizer state included)."""
import torch
from mmengine.runner.checkpoint import _load_checkpoint

from switokd_mm.utils import load_records
from tests.conftest import REPO, run_train

FITNET = str(REPO / 'tests' / 'fixtures' /
             'tiny_switokd_fitnet_fashion_mnist.py')
CONNECTOR = 'student.distill_connectors.fitnet_teacher.conv.weight'


def test_config_terms_train_and_resume_exactly(tmp_path, fashion_mnist_root):
    straight, resumed = tmp_path / 'straight', tmp_path / 'resumed'
    run_train(straight, fashion_mnist_root, 'straight', config=FITNET)
    logged = [
        line for line in load_records(straight)
        if 'student/loss_fitnet_teacher' in line
    ]
    assert logged and all(line['student/loss_at_teacher'] > 0
                          for line in logged)
    first = _load_checkpoint(str(straight / 'iter_3.pth'))
    last = _load_checkpoint(str(straight / 'iter_24.pth'))
    assert not torch.equal(first['state_dict'][CONNECTOR],
                           last['state_dict'][CONNECTOR])

    resumed.mkdir()
    (resumed / 'iter_12.pth').write_bytes(
        (straight / 'iter_12.pth').read_bytes())
    run_train(resumed, fashion_mnist_root, 'resumed', '--resume',
              config=FITNET)
    again = _load_checkpoint(str(resumed / 'iter_24.pth'))
    assert last['state_dict'].keys() == again['state_dict'].keys()
    for key, value in last['state_dict'].items():
        assert torch.equal(value, again['state_dict'][key]), key
    for index, state in last['optimizer']['student']['state'].items():
        assert torch.equal(
            state['momentum_buffer'],
            again['optimizer']['student']['state'][index]['momentum_buffer'])
