"""Parameters and MACs of the networks each config builds.

    python tools/analysis/config_params.py configs/cifar100/*.py

MACs are counted by ``torch.utils.flop_counter.FlopCounterMode`` (MACs =
FLOPs / 2) on one image of the config's dataset resolution (CIFAR 32x32,
Tiny-ImageNet 64x64, Fashion-MNIST 28x28 grey, otherwise 224x224), or of
``--shape C H W``.
"""
import argparse
from typing import Dict, Optional, Sequence, Tuple

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


def network_complexity(
        config: str,
        shape: Optional[Sequence[int]] = None) -> Dict[str, Tuple[int, int]]:
    """(parameters, MACs) per network: student/teacher, every network of a
    multi-network model, or the one ``model``."""
    cfg = Config.fromfile(config)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    model = MODELS.build(cfg.model)
    if hasattr(model, 'nets'):
        networks = model.nets
    elif hasattr(model, 'student'):
        networks = {'student': model.student, 'teacher': model.teacher}
    else:
        networks = {'model': model}
    shape = tuple(shape or input_shape(cfg))
    return {
        name: (sum(p.numel() for p in net.parameters()),
               count_macs(net, shape))
        for name, net in networks.items()
    }


def format_row(config: str, figures: Dict[str, Tuple[int, int]]) -> str:
    """One tab-separated line: ``name params M, MACs M`` per network."""
    return config + '\t' + '\t'.join(
        f'{name} {params / 1e6:.3f}M params {macs / 1e6:.1f}M MACs'
        for name, (params, macs) in figures.items())


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
    for config in args.configs:
        print(format_row(config, network_complexity(config, args.shape)))


if __name__ == '__main__':
    main()
