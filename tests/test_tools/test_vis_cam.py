"""vis_cam: Grad-CAM maps of both networks at the image's size."""
import cv2
import numpy as np
import pytest
import torch
from mmengine.dataset import default_collate

from tests.conftest import CONFIG
from tools.visualization import vis_cam
from tools.visualization.vis_cam import main, top_region_iou

CLASSES = ('T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal',
           'Shirt', 'Sneaker', 'Bag', 'Ankle boot')


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
        assert result['files'] == [f'{stem}_cam.png', f'{stem}_surface.png']
    # the two networks really are explained separately
    square = results[images[0]]
    assert not np.allclose(square['teacher'], square['student'])


def colour_bars(fig):
    return [ax for ax in fig.axes if ax.get_label() == '<colorbar>']


def predicted_by_mmpretrain(checkpoint, image):
    """Each network's (class, score) by mmpretrain's own predict mode."""
    cfg, model, _ = vis_cam.load_model(CONFIG, checkpoint)
    pipeline = vis_cam.image_pipeline(
        cfg, len(model.data_preprocessor.mean.flatten()))
    data = model.data_preprocessor(
        default_collate([pipeline(dict(img_path=image))]), False)
    with torch.no_grad():
        samples = {
            network: getattr(model, network)(data['inputs'], mode='predict')[0]
            for network in ('teacher', 'student')
        }
    return {
        network: (int(s.pred_label), float(s.pred_score.max()))
        for network, s in samples.items()
    }


def test_figures_name_each_networks_prediction(straight_run, images, tmp_path,
                                               monkeypatch):
    """Each panel names its own network's predicted class and probability,
    whichever class the maps explain; both figures have a colour bar."""
    figures = {}
    for name in ('overlay_figure', 'surface_figure'):
        draw = getattr(vis_cam, name)
        monkeypatch.setattr(
            vis_cam,
            name,
            lambda *args, draw=draw, name=name: figures.setdefault(
                name, draw(*args)))
    checkpoint = str(straight_run / 'epoch_3.pth')
    results = main([
        CONFIG, checkpoint, images[0], '--out-dir',
        str(tmp_path), '--surface', '--target-class', '3'
    ])
    predictions = results[images[0]]['predictions']
    expected = predicted_by_mmpretrain(checkpoint, images[0])
    assert {
        n: p[0]
        for n, p in predictions.items()
    } == {
        n: p[0]
        for n, p in expected.items()
    }
    for network, (_, probability) in predictions.items():
        assert probability == pytest.approx(expected[network][1], abs=1e-5)
    assert set(figures) == {'overlay_figure', 'surface_figure'}
    for fig in figures.values():
        titles = [ax.get_title() for ax in fig.axes]
        for network, (label, probability) in predictions.items():
            assert (f'{network} predicts\n{CLASSES[label]} ({label}), '
                    f'p = {probability:.2f}') in titles
        assert 'Grad-CAM of class Dress (3)' in fig.get_suptitle()
        assert len(colour_bars(fig)) == 1


def test_overlay_figure_titles_and_colour_bar():
    maps = {
        'teacher': np.linspace(0, 1, 64).reshape(8, 8),
        'student': np.linspace(1, 0, 64).reshape(8, 8)
    }
    titles = {
        'teacher': 'teacher predicts\nBag (8)',
        'student': 'student predicts\nCoat (4)'
    }
    fig = vis_cam.overlay_figure(
        np.zeros((8, 8, 3), np.uint8), maps, titles, 'Bag (8)', 0.25)
    assert [ax.get_title() for ax in fig.axes[:3]
            ] == ['image', titles['teacher'], titles['student']]
    assert fig.get_suptitle().startswith('Grad-CAM of class Bag (8) in both')
    assert '0.25' in fig.get_suptitle()
    (bar, ) = colour_bars(fig)
    assert bar.get_ylabel() == 'Grad-CAM activation'
    assert bar.get_ylim() == (0, 1)


def test_surface_figure_axes_are_labelled():
    heat = np.linspace(0, 1, 12).reshape(3, 4)
    fig = vis_cam.surface_figure({
        'teacher': heat,
        'student': heat
    }, {
        'teacher': 'T',
        'student': 'S'
    }, 'Bag (8)')
    surfaces = [ax for ax in fig.axes if ax.name == '3d']
    assert [ax.get_title() for ax in surfaces] == ['T', 'S']
    for ax in surfaces:
        assert (ax.get_xlabel(), ax.get_ylabel(),
                ax.get_zlabel()) == ('pixel column', 'pixel row',
                                     'Grad-CAM activation')
        # colours on the colour bar's fixed 0..1 scale
        assert ax.collections[0].get_clim() == (0, 1)
    (bar, ) = colour_bars(fig)
    assert bar.get_ylabel() == 'Grad-CAM activation'
    assert 'Bag (8)' in fig.get_suptitle()


def test_top_region_iou():
    a = np.zeros((10, 10))
    a[:2] = 1  # top 20% = first two rows
    assert top_region_iou(a, a) == 1.0
    assert top_region_iou(a, a[::-1]) == 0.0


def test_bad_target_layer_argument(straight_run, images):
    with pytest.raises(SystemExit, match=r"unknown \['assistant'\]"):
        main([
            CONFIG,
            str(straight_run / 'epoch_3.pth'), images[0], '--target-layers',
            'assistant=backbone'
        ])


def test_any_two_networks_of_a_1t2s_model(tmp_path, images):
    """--networks names two of any model's networks; by default the first
    teacher and the first student are compared."""
    from mmengine.config import Config
    from mmpretrain.registry import MODELS
    config = 'tests/fixtures/tiny_1t2s_fashion_mnist.py'
    cfg = Config.fromfile(config)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    torch.save(dict(state_dict=model.state_dict()), tmp_path / '1t2s.pth')
    checkpoint = str(tmp_path / '1t2s.pth')
    students = main([
        config, checkpoint, images[0], '--networks', 'r8w2', 'r8w4',
        '--out-dir',
        str(tmp_path / 'cam')
    ])[images[0]]
    assert list(students['predictions']) == ['r8w2', 'r8w4']
    assert students['r8w2'].shape == students['r8w4'].shape == (28, 28)
    default = main([
        config, checkpoint, images[0], '--out-dir',
        str(tmp_path / 'cam')
    ])[images[0]]
    assert list(default['predictions']) == ['wrn', 'r8w2']
