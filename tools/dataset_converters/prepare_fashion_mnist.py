"""Unpack Fashion-MNIST where mmpretrain's ``FashionMNIST`` dataset reads it.

The Debian package ``dataset-fashion-mnist`` installs the four gzip files
under /usr/share/datasets/fashion-mnist; mmpretrain reads the uncompressed
IDX files from its ``data_root``. Example::

    apt-get install dataset-fashion-mnist
    python tools/dataset_converters/prepare_fashion_mnist.py
"""
import argparse
import gzip
import shutil
import sys
from pathlib import Path

from switokd_mm.checkpoint.atomic_write import atomic_write

FILES = ('train-images-idx3-ubyte', 'train-labels-idx1-ubyte',
         't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte')


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '--src',
        default='/usr/share/datasets/fashion-mnist',
        help='folder with the *.gz files')
    parser.add_argument(
        '--out', default='data/fashion_mnist', help='data_root of the configs')
    return parser.parse_args(argv)


def prepare(src: Path, out: Path) -> None:
    """Decompress every missing file of ``FILES`` from ``src`` into ``out``.

    Each file is written to a temporary name and renamed, so an interrupted
    run never leaves a truncated file that looks complete.
    """
    missing = [name for name in FILES if not (src / f'{name}.gz').is_file()]
    if missing:
        sys.exit(f'Fashion-MNIST not found in {src} (missing '
                 f'{", ".join(m + ".gz" for m in missing)}). Install it with '
                 f'`apt-get install dataset-fashion-mnist` or pass --src.')
    out.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        target = out / name
        if target.is_file():
            continue
        with gzip.open(src / f'{name}.gz', 'rb') as fin, \
                atomic_write(target) as fout:
            shutil.copyfileobj(fin, fout)
    print(f'Fashion-MNIST ready in {out}')


if __name__ == '__main__':
    args = parse_args()
    prepare(Path(args.src), Path(args.out))
