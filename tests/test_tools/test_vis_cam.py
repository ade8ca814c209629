"""vis_cam: Grad-CAM maps of both networks at the image's size."""
import cv2
import numpy as np
import pytest

from tests.conftest import CONFIG
from tools.visualization.vis_cam import main, top_region_iou


@pytest.fixture
def images(tmp_path, fashion_mnist_root):
    raw = (fashion_mnist_root / 't10k-images-idx3-ubyte').read_bytes()
    first = np.frombuffer(raw, np.uint8, 784, 16).reshape(28, 28)
    paths = [tmp_path / 'square.png', tmp_path / 'wide.png']
    cv2.imwrite(str(paths[0]), first)
    cv2.imwrite(str(paths[1]), cv2.resize(first, (40, 36)))
    return [str(p) for p in paths]


def test_maps_for_both_networks_at_image_size(straight_run, images, tmp_path):
    out = tmp_path / 'cam'
    results = main([
        CONFIG,
        str(straight_run / 'epoch_3.pth'), *images, '--out-dir',
        str(out), '--surface'
    ])
    for path, size in zip(images, [(28, 28), (36, 40)]):
        result = results[path]
        for network in ('teacher', 'student'):
            heat = result[network]
            assert heat.shape == size
            assert heat.min() >= 0 and heat.max() <= 1 and heat.max() > 0
        assert 0 <= result['overlap'] <= 1
        stem = out / path.rsplit('/', 1)[1].removesuffix('.png')
        assert (stem.parent / f'{stem.name}_cam.png').stat().st_size > 1000
        assert (stem.parent / f'{stem.name}_surface.png').exists()
        assert result['files'] == [
            f'{stem}_cam.png', f'{stem}_surface.png'
        ]
    # the two networks really are explained separately
    square = results[images[0]]
    assert not np.allclose(square['teacher'], square['student'])


def test_top_region_iou():
    a = np.zeros((10, 10))
    a[:2] = 1  # top 20% = first two rows
    assert top_region_iou(a, a) == 1.0
    assert top_region_iou(a, a[::-1]) == 0.0


def test_bad_target_layer_argument(straight_run, images):
    with pytest.raises(SystemExit, match='teacher=LAYER'):
        main([
            CONFIG,
            str(straight_run / 'epoch_3.pth'), images[0], '--target-layers',
            'assistant=backbone'
        ])
