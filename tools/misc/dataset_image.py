"""Write an image of a config's test set to a file, e.g. to classify it.

    python tools/misc/dataset_image.py CONFIG [--index 0] [--out IMG.png]

Builds ``test_dataloader.dataset`` of CONFIG (``--cfg-options`` apply) and
writes image ``--index`` as it is stored: the array of an in-memory dataset
(Fashion-MNIST: 28x28 grey) as a PNG, or a copy of the file of a dataset of
image files. Prints the file, the image's label and its class name.
"""
import argparse
import shutil

import mmcv
from mmengine.config import Config, DictAction
from mmengine.registry import init_default_scope
from mmpretrain.registry import DATASETS

import switokd_mm  # noqa: F401  (registers the plugin's datasets)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='config whose test set to read')
    parser.add_argument(
        '--index', type=int, default=0, help='index in the test set')
    parser.add_argument(
        '--out', default='IMG.png', help='file to write (default IMG.png)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, key=value')
    return parser.parse_args(argv)


def write_test_image(config: Config, index: int, out: str) -> str:
    """Write test image ``index`` of ``config`` to ``out``.

    Returns:
        str: its label and class name, e.g. ``'9 (Ankle boot)'``.
    """
    init_default_scope(config.get('default_scope', 'mmpretrain'))
    dataset_cfg = config.test_dataloader.dataset.copy()
    dataset_cfg.update(pipeline=[], lazy_init=False)
    dataset = DATASETS.build(dataset_cfg)
    info = dataset.get_data_info(index)
    if 'img' in info:
        image = info['img']
        # in-memory colour datasets (CIFAR) hold RGB; image files are BGR
        mmcv.imwrite(image if image.ndim == 2 else mmcv.rgb2bgr(image), out)
    else:
        shutil.copyfile(info['img_path'], out)
    label = int(info['gt_label'])
    classes = dataset.metainfo.get('classes')
    return f'{label} ({classes[label]})' if classes else str(label)


def main(argv=None) -> None:
    args = parse_args(argv)
    config = Config.fromfile(args.config)
    if args.cfg_options:
        config.merge_from_dict(args.cfg_options)
    label = write_test_image(config, args.index, args.out)
    print(f'{args.out}: test image {args.index}, label {label}')


if __name__ == '__main__':
    main()
