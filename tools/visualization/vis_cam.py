"""Grad-CAM of two networks of a checkpoint (by default its teacher and
its student), side by side.

    python tools/visualization/vis_cam.py CONFIG CHECKPOINT IMAGE [IMAGE ...]
        [--networks A B] [--out-dir DIR]
        [--target-layers student=backbone.stages.2 ...]
        [--target-class K] [--surface]

For each image both networks explain the same class (the first network's
prediction unless --target-class is given), with the maintained ``grad-cam``
package as mmpretrain's own CAM tool uses. Writes ``<image>_cam.png``
(image, the two networks' overlays, each titled with its own
predicted class and probability, a colour bar of the activation, and the
overlap of the two maps: IoU of their top-20% regions) and, with --surface,
``<image>_surface.png`` (the maps as 3D surfaces over pixel column and row,
as in the paper's Fig. 6), under --out-dir (default ``work_dirs/cam``), and
prints both predictions and the files' paths.
"""
import argparse
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.cm import ScalarMappable  # noqa: E402
from matplotlib.colors import Normalize  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from mmcv.transforms import Compose  # noqa: E402
from mmengine.config import Config  # noqa: E402
from mmengine.dataset import default_collate  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402
from mmpretrain.registry import MODELS  # noqa: E402
from pytorch_grad_cam import GradCAM  # noqa: E402
from pytorch_grad_cam.utils.image import show_cam_on_image  # noqa: E402
from pytorch_grad_cam.utils.model_targets import \
    ClassifierOutputTarget  # noqa: E402

import switokd_mm  # noqa: E402,F401  (registers the plugin)
from switokd_mm.checkpoint import enable_safe_checkpoints  # noqa: E402
from switokd_mm.checkpoint.fit_checks import load_network_weights  # noqa: E402

#: the colour map of grad-cam's overlays (OpenCV's JET), for surfaces and
#: the colour bar
CAM_COLOURS = 'jet'
#: a network's predicted class index and its softmax probability
Prediction = Tuple[int, float]


class LogitsOf(nn.Module):
    """A classifier as grad-cam expects it: images in, logits out."""

    def __init__(self, classifier: nn.Module) -> None:
        super().__init__()
        self.classifier = classifier

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        return self.classifier(inputs, mode='tensor')


def last_spatial_layer(classifier: nn.Module, inputs: torch.Tensor) -> str:
    """Name of the last backbone module whose output is a 4D feature map."""
    found: List[str] = []
    hooks = [
        module.register_forward_hook(
            lambda m, i, out, name=name: found.append(name)
            if isinstance(out, torch.Tensor) and out.dim() == 4 else None)
        for name, module in classifier.backbone.named_modules() if name
    ]
    with torch.no_grad():
        classifier(inputs, mode='tensor')
    for hook in hooks:
        hook.remove()
    if not found:
        raise ValueError('no 4D feature map in the backbone; pass '
                         '--target-layers')
    return f'backbone.{found[-1]}'


def top_region_iou(a: np.ndarray, b: np.ndarray, share: float = 0.2) -> float:
    """IoU of the ``share`` highest-valued pixels of two heat maps."""
    top_a = a >= np.quantile(a, 1 - share)
    top_b = b >= np.quantile(b, 1 - share)
    return float((top_a & top_b).sum() / max((top_a | top_b).sum(), 1))


def default_networks(model: nn.Module) -> Tuple[str, str]:
    """A model's first teacher and first student (``teacher`` and
    ``student`` of a two-network model).

    Raises:
        SystemExit: the model has no teacher and student roles.
    """
    if not (getattr(model, 'teachers', None)
            and getattr(model, 'students', None)):
        raise SystemExit(f'{type(model).__name__} has no teacher and '
                         f'student: name two networks with --networks')
    return model.teachers[0], model.students[0]


def top_predictions(model: nn.Module, inputs: torch.Tensor,
                    networks: Sequence[str]) -> Dict[str, Prediction]:
    """Each network's predicted class and probability for one image.

    Args:
        model: the model, with the networks as submodules.
        inputs: the preprocessed image, a batch of one.
        networks: the networks' names.

    Returns:
        dict: network -> (class index, softmax probability).
    """
    with torch.no_grad():
        probabilities = {
            name: getattr(model, name)(inputs, mode='tensor').softmax(1)[0]
            for name in networks
        }
    return {
        name: (int(p.argmax()), float(p.max()))
        for name, p in probabilities.items()
    }


def class_name(label: int, classes: Optional[Sequence[str]]) -> str:
    """``<name> (<index>)``, or the index alone for a checkpoint without
    class names."""
    return f'{classes[label]} ({label})' if classes else str(label)


def prediction_title(network: str, prediction: Prediction,
                     classes: Optional[Sequence[str]]) -> str:
    """A network's panel title: its name, predicted class and probability."""
    label, probability = prediction
    return (f'{network} predicts\n{class_name(label, classes)}, '
            f'p = {probability:.2f}')


def load_model(config: str, checkpoint: str) -> tuple:
    """The SwitOKD model in eval mode, its config and its class names."""
    cfg = Config.fromfile(config)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    cfg.model.setdefault('data_preprocessor', cfg.get('data_preprocessor'))
    model = MODELS.build(cfg.model)
    enable_safe_checkpoints()
    meta = load_network_weights(model, checkpoint).get('meta', {})
    classes = (meta.get('dataset_meta') or {}).get('classes')
    return cfg, model.eval(), classes


def image_pipeline(cfg: Config, channels: int) -> Compose:
    """The config's test pipeline, reading the image from a file."""
    steps = [
        t for t in cfg.test_dataloader.dataset.pipeline
        if t['type'] != 'LoadImageFromFile'
    ]
    colour = 'grayscale' if channels == 1 else 'color'
    return Compose([dict(type='LoadImageFromFile', color_type=colour), *steps])


def cam_images(config: str,
               checkpoint: str,
               images: List[str],
               out_dir: str,
               target_layers: Optional[Dict[str, str]] = None,
               target_class: Optional[int] = None,
               surface: bool = False,
               networks: Optional[Sequence[str]] = None) -> Dict[str, dict]:
    """Grad-CAM maps of two networks for each image (by default the first
    teacher and the first student, see :func:`default_networks`).

    Returns:
        dict: per image, each network's heat map (H x W in
        [0, 1], the image's size), ``overlap`` (top-20% IoU), ``class``
        (the class explained), ``predictions`` (network -> predicted class
        and probability) and ``files`` (the figures written).
    """
    cfg, model, classes = load_model(config, checkpoint)
    networks = tuple(networks or default_networks(model))
    unknown = [
        name
        for name in (*networks, *(target_layers or {}))
        if not isinstance(getattr(model, name, None), nn.Module)
    ]
    if unknown or len(networks) != 2:
        raise SystemExit(f'vis_cam: name two networks of the model; '
                         f'unknown {unknown}, got {list(networks)}')
    channels = len(model.data_preprocessor.mean.flatten())
    pipeline = image_pipeline(cfg, channels)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    results = {}
    for image_path in images:
        data = model.data_preprocessor(
            default_collate([pipeline(dict(img_path=image_path))]), False)
        inputs = data['inputs']
        original = cv2.imread(image_path, cv2.IMREAD_COLOR)
        height, width = original.shape[:2]
        predictions = top_predictions(model, inputs, networks)
        label = predictions[networks[0]][0] if target_class is None \
            else target_class
        maps = {}
        for name in networks:
            network = getattr(model, name)
            layer = (target_layers or {}).get(name) or last_spatial_layer(
                network, inputs)
            cam = GradCAM(LogitsOf(network), [network.get_submodule(layer)])
            heat = cam(
                input_tensor=inputs,
                targets=[ClassifierOutputTarget(label)])[0]
            maps[name] = cv2.resize(heat, (width, height))
        overlap = top_region_iou(*(maps[name] for name in networks))
        results[image_path] = dict(
            maps, overlap=overlap, predictions=predictions, **{'class': label})
        stem = out / Path(image_path).stem
        titles = {
            name: prediction_title(name, predictions[name], classes)
            for name in networks
        }
        explained = class_name(label, classes)
        files = [f'{stem}_cam.png']
        overlay_figure(original, maps, titles, explained, overlap).savefig(
            files[0], dpi=120)
        if surface:
            files.append(f'{stem}_surface.png')
            surface_figure(maps, titles, explained).savefig(files[1], dpi=120)
        results[image_path]['files'] = files
        plt.close('all')
    return results


def overlay_figure(image: np.ndarray, maps: Dict[str, np.ndarray],
                   titles: Dict[str, str], explained: str,
                   overlap: float) -> Figure:
    """The image and both networks' Grad-CAM overlays, with a colour bar.

    Args:
        image: the image as OpenCV reads it (BGR, H x W x 3, uint8).
        maps: network -> heat map (H x W in [0, 1]).
        titles: network -> its panel's title (its prediction).
        explained: the name of the class both maps explain.
        overlap: IoU of the maps' top-20% regions.
    """
    rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB).astype(np.float32) / 255
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.7), layout='constrained')
    axes[0].imshow(rgb)
    axes[0].set_title('image')
    for ax, name in zip(axes[1:], maps):
        ax.imshow(show_cam_on_image(rgb, maps[name], use_rgb=True))
        ax.set_title(titles[name])
    for ax in axes:
        ax.axis('off')
    _activation_colour_bar(fig, list(axes[1:]))
    fig.suptitle(f'Grad-CAM of class {explained} in both networks; overlap '
                 f'of their top-20% regions (IoU) {overlap:.2f}')
    return fig


def surface_figure(maps: Dict[str, np.ndarray], titles: Dict[str, str],
                   explained: str) -> Figure:
    """Both networks' Grad-CAM maps as 3D surfaces over the image's pixels.

    Args:
        maps: network -> heat map (H x W in [0, 1]).
        titles: network -> its panel's title (its prediction).
        explained: the name of the class both maps explain.
    """
    fig = plt.figure(figsize=(10, 4.6), layout='constrained')
    axes = []
    for index, name in enumerate(maps, start=1):
        ax = fig.add_subplot(1, 2, index, projection='3d')
        heat = maps[name]
        ys, xs = np.mgrid[0:heat.shape[0], 0:heat.shape[1]]
        # fixed colour limits: one colour bar holds for both surfaces
        ax.plot_surface(
            xs, ys, heat, cmap=CAM_COLOURS, vmin=0, vmax=1, linewidth=0)
        ax.set_title(titles[name])
        ax.set_xlabel('pixel column')
        ax.set_ylabel('pixel row')
        ax.set_zlabel('Grad-CAM activation')
        ax.set_zlim(0, 1)
        # row 0 at the back, as the image's top row
        ax.invert_yaxis()
        # smaller box: the axis labels fit inside the figure
        ax.set_box_aspect(None, zoom=0.85)
        axes.append(ax)
    _activation_colour_bar(fig, axes)
    fig.suptitle(f'Grad-CAM of class {explained} as surfaces')
    return fig


def _activation_colour_bar(fig: Figure, axes: List[Axes]) -> None:
    """One colour bar beside ``axes`` for the maps' 0-1 activation scale."""
    fig.colorbar(
        ScalarMappable(Normalize(0, 1), CAM_COLOURS),
        ax=axes,
        shrink=0.8,
        label='Grad-CAM activation')


def parse_target_layers(pairs: Optional[List[str]]) -> Dict[str, str]:
    """``NETWORK=LAYER`` arguments as a dict."""
    layers = {}
    for pair in pairs or []:
        name, _, layer = pair.partition('=')
        if not name or not layer:
            raise SystemExit(f'--target-layers: expected NETWORK=LAYER, '
                             f'e.g. student=backbone.layer3, got {pair!r}')
        layers[name] = layer
    return layers


def main(argv=None) -> Dict[str, dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        'config', help='training config of the run')
    parser.add_argument(
        'checkpoint', help='training checkpoint with the networks\' '
        'weights, e.g. work_dirs/demo/epoch_3.pth')
    parser.add_argument(
        'images',
        nargs='+',
        help='image files (any size, colour or grey; e.g. one written by '
        'tools/misc/dataset_image.py)')
    parser.add_argument(
        '--networks',
        nargs=2,
        help='the two networks to compare, by name; default: the first '
        'teacher and the first student')
    parser.add_argument(
        '--out-dir',
        default='work_dirs/cam',
        help='folder for <image>_cam.png (and <image>_surface.png); '
        'default: work_dirs/cam')
    parser.add_argument(
        '--target-layers',
        nargs='+',
        help='e.g. student=backbone.stages.2; default: the '
        "last 4D feature map of each network's backbone")
    parser.add_argument(
        '--target-class',
        type=int,
        help="class to explain; default: the first network's "
        'prediction')
    parser.add_argument(
        '--surface',
        action='store_true',
        help='also plot the maps as 3D surfaces')
    args = parser.parse_args(argv)
    results = cam_images(args.config, args.checkpoint, args.images,
                         args.out_dir, parse_target_layers(args.target_layers),
                         args.target_class, args.surface, args.networks)
    for image, result in results.items():
        predicted = ', '.join(
            f'{name} predicts {label} (p = {probability:.2f})'
            for name, (label, probability) in result['predictions'].items())
        print(f"{image}: {predicted}; both explain class {result['class']}, "
              f"overlap (top-20% IoU) {result['overlap']:.2f}; wrote "
              f"{', '.join(result['files'])}")
    return results


if __name__ == '__main__':
    main()
