"""Evaluate a checkpoint: the student, and the teacher when the config's
model has ``eval_teacher=True`` and its evaluator is a PerNetworkMetric.
Prints the result as rows in the paper's format (network, backbone with its
parameter count, top-1).

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--cfg-options ...]
"""
import argparse
import json

from mmengine.dist import is_main_process

import switokd_mm  # noqa: F401  (registers the plugin)
from switokd_mm.apis import cli
from switokd_mm.apis.dist_env import (exit_with_launcher,
                                      process_group_closed_at_exit)
from switokd_mm.datasets import check_data_roots
from switokd_mm.models.algorithms.multi_network_model import ROLES


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test a checkpoint')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--out', help='write the metrics to this JSON file')
    cli.add_runner_args(parser)
    return parser.parse_args(argv)


def paper_rows(model, metrics: dict) -> str:
    """The result as rows of the paper's tables: network, backbone with its
    parameter count, top-1 (%); one row per evaluated network.

    Args:
        model: the runner's model, wrapped for distributed runs or not.
        metrics: the test metrics (``<network>/accuracy/top1`` for a
            multi-network model, ``accuracy/top1`` for a classifier).
    """
    model = getattr(model, 'module', model)  # the runner's model wrapper
    rows = []
    for name in getattr(model, 'eval_networks', ['']):
        role = model.roles[name] if name else 'network'
        # a network of a distributed multi-network model is its own DDP
        network = getattr(model, name) if name else model
        network = getattr(network, 'module', network)
        top1 = metrics.get(f'{name}/accuracy/top1' if name else
                           'accuracy/top1')
        if top1 is None:
            continue
        label = role.capitalize() + (f' {name}' if name not in ROLES else '')
        params = sum(p.numel() for p in network.parameters()) / 1e6
        backbone = type(network.backbone).__name__
        rows.append(f'{label}\t{backbone}({params:.2f}M)\t{top1:.2f}')
    return '\n'.join(rows)


def main(argv=None) -> dict:
    args = parse_args(argv)
    exit_with_launcher(args.launcher)
    cfg = cli.load_config(args)
    cfg.load_from = args.checkpoint
    check_data_roots(cfg, ('test_dataloader', ))
    runner = cli.build_runner(cfg)
    with process_group_closed_at_exit():
        metrics = runner.test()
        if is_main_process():
            if args.out:
                with open(args.out, 'w') as f:
                    json.dump(metrics, f, indent=2)
            print(paper_rows(runner.model, metrics))
    return metrics


if __name__ == '__main__':
    main()
