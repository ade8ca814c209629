"""Parameters and MACs of the networks each config builds.

    python tools/analysis/config_params.py configs/cifar100/*.py

One table: a header, then one line per network in aligned columns (config,
network, input CxHxW, params (M), MACs (M)). MACs are counted by
``torch.utils.flop_counter.FlopCounterMode`` (MACs = FLOPs / 2) on one image
of the config's dataset resolution (CIFAR 32x32, Tiny-ImageNet 64x64,
Fashion-MNIST 28x28 grey, otherwise 224x224), or of ``--shape C H W``.
"""
import argparse
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpretrain.registry import MODELS
from torch.utils.flop_counter import FlopCounterMode

import switokd_mm  # noqa: F401  (registers the plugin)

#: input (channels, height, width) by dataset type
DATASET_SHAPES = {
    'CIFAR10': (3, 32, 32),
    'CIFAR100': (3, 32, 32),
    'TinyImageNet': (3, 64, 64),
    'FashionMNIST': (1, 28, 28),
}
#: the table's columns: three of text (left-aligned), then two numbers
HEADER = ('config', 'network', 'input', 'params (M)', 'MACs (M)')
TEXT_COLUMNS = 3


def count_macs(net: torch.nn.Module, shape: Sequence[int]) -> int:
    """Multiply-accumulates of one forward pass of ``net`` on one image."""
    was_training = net.training
    net.eval()
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        net(torch.zeros(1, *shape), mode='tensor')
    net.train(was_training)
    return counter.get_total_flops() // 2


def input_shape(cfg: Config) -> Tuple[int, ...]:
    """The image shape of the config's test (else train) dataset."""
    loader = cfg.get('test_dataloader') or cfg.get('train_dataloader') or {}
    dataset = loader.get('dataset', {})
    return DATASET_SHAPES.get(dataset.get('type'), (3, 224, 224))


def network_complexity(cfg: Config,
                       shape: Sequence[int]) -> Dict[str, Tuple[int, int]]:
    """(parameters, MACs) per network: student/teacher, every network of a
    multi-network model, or the one ``model``."""
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    model = MODELS.build(cfg.model)
    if hasattr(model, 'nets'):
        networks = model.nets
    elif hasattr(model, 'student'):
        networks = {'student': model.student, 'teacher': model.teacher}
    else:
        networks = {'model': model}
    return {
        name: (sum(p.numel() for p in net.parameters()),
               count_macs(net, shape))
        for name, net in networks.items()
    }


def config_rows(
        config: str,
        shape: Optional[Sequence[int]] = None) -> List[Tuple[str, ...]]:
    """The table rows of one config, one per network (see :data:`HEADER`).

    Args:
        config: a config file.
        shape: the input (C, H, W); default: from the dataset type.

    Returns:
        list[tuple[str, ...]]: the cells of each row.
    """
    cfg = Config.fromfile(config)
    shape = tuple(shape or input_shape(cfg))
    size = 'x'.join(map(str, shape))
    return [(config, name, size, f'{params / 1e6:.3f}', f'{macs / 1e6:.1f}')
            for name, (params,
                       macs) in network_complexity(cfg, shape).items()]


def format_table(rows: Sequence[Sequence[str]]) -> List[str]:
    """:data:`HEADER` and ``rows`` as lines of aligned columns, two spaces
    apart, text left-aligned and numbers right-aligned."""
    table = [HEADER, *rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(HEADER))]
    return [
        '  '.join(
            cell.ljust(width) if i < TEXT_COLUMNS else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths))).rstrip()
        for row in table
    ]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('configs', nargs='+')
    parser.add_argument(
        '--shape',
        type=int,
        nargs=3,
        metavar=('C', 'H', 'W'),
        help='input shape (default: from the dataset type)')
    args = parser.parse_args(argv)
    rows = [
        row for config in args.configs
        for row in config_rows(config, args.shape)
    ]
    print('\n'.join(format_table(rows)))


if __name__ == '__main__':
    main()
