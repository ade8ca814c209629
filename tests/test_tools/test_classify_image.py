"""An exported student classifies an image file with mmpretrain's
ImageClassificationInferencer in a process without switokd_mm (a network
of mmpretrain's modules), a grey network taking colour files too."""
import subprocess
import sys
import textwrap

import cv2
import numpy as np
import torch
from mmengine.config import Config
from mmpretrain.datasets import FashionMNIST

from tests.conftest import REPO
from tests.fixtures.training_checkpoint import write_training_checkpoint
from tools.misc.dataset_image import main as dataset_image
from tools.model_converters.export_student import export

DATA = Config.fromfile(
    str(REPO / 'configs' / '_base_' / 'datasets' / 'fashion_mnist_bs128.py'))
GREY_RESNET = dict(  # mmpretrain's ResNet on one channel
    type='ImageClassifier',
    backbone=dict(
        type='ResNet', depth=18, in_channels=1, stem_channels=8,
        base_channels=8),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=10, in_channels=64))


def exported_student(tmp_path, data_root):
    """Export the student of a SwitOKD checkpoint trained on the demo data
    settings (BatchNorm statistics of a few real images)."""
    test_dataloader = DATA.test_dataloader.copy()
    test_dataloader.dataset.data_root = str(data_root)
    cfg = Config(
        dict(
            default_scope='mmpretrain',
            model=dict(
                type='SwitOKD',
                student=GREY_RESNET,
                teacher=GREY_RESNET,
                data_preprocessor=DATA.data_preprocessor),
            test_dataloader=test_dataloader,
            test_evaluator=DATA.test_evaluator))
    model, path = write_training_checkpoint(
        cfg, (8, 1, 28, 28), FashionMNIST.METAINFO['classes'],
        tmp_path / 'switokd.pth')
    stems = export(str(path), str(tmp_path / 'exported'))
    return model, stems['student']


def test_inferencer_classifies_grey_and_colour_png(tmp_path,
                                                   fashion_mnist_root):
    model, stem = exported_student(tmp_path, fashion_mnist_root)
    grey = tmp_path / 'grey.png'
    dataset_image([
        str(REPO / 'configs' / '_base_' / 'datasets' /
            'fashion_mnist_bs128.py'), '--index', '3', '--out',
        str(grey), '--cfg-options',
        f'test_dataloader.dataset.data_root={fashion_mnist_root}'
    ])
    colour = tmp_path / 'colour.png'
    cv2.imwrite(
        str(colour),
        np.random.default_rng(0).integers(0, 256, (40, 28, 3), np.uint8))
    script = textwrap.dedent(f'''
        import sys, torch
        from mmpretrain import ImageClassificationInferencer
        inferencer = ImageClassificationInferencer(
            '{stem}.py', pretrained='{stem}.pth', device='cpu')
        results = inferencer(['{grey}', '{colour}'])
        torch.save([r['pred_scores'] for r in results], 'scores.pt')
        assert not [m for m in sys.modules if m.startswith('switokd_mm')]
        print()  # mmpretrain's progress bar may leave its line open
        print(results[0]['pred_class'])
    ''')
    result = subprocess.run([sys.executable, '-c', script],
                            cwd=tmp_path,
                            capture_output=True,
                            text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    scores = torch.load(tmp_path / 'scores.pt', weights_only=False)
    # the grey PNG gives exactly the test image's prediction
    raw = (fashion_mnist_root / 't10k-images-idx3-ubyte').read_bytes()
    image = np.frombuffer(raw, np.uint8, 784, 16 + 3 * 784).reshape(28, 28)
    assert np.array_equal(cv2.imread(str(grey), cv2.IMREAD_UNCHANGED), image)
    with torch.no_grad():
        inputs = model.data_preprocessor(
            dict(inputs=[torch.from_numpy(image.copy())[None]]))['inputs']
        expected = model.student(inputs, mode='tensor').softmax(1)[0]
    np.testing.assert_allclose(scores[0], expected.numpy(), rtol=1e-5)
    predicted = result.stdout.splitlines()[-1]
    assert predicted == FashionMNIST.METAINFO['classes'][expected.argmax()]
    assert scores[1].shape == (10, )
