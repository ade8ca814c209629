"""Evaluate a checkpoint: the student, and the teacher when the config's
model has ``eval_teacher=True`` and its evaluator is a PerNetworkMetric.

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--cfg-options ...]
"""
import argparse
import json
import warnings

warnings.filterwarnings('ignore', message='Fail to import ``MultiScaleDeformableAttention``')


from mmengine.dist import is_main_process  # noqa: E402

import switokd_mm  # noqa: E402,F401  (registers the plugin)
from switokd_mm.utils import check_data_roots  # noqa: E402
from switokd_mm.utils.cli import (add_runner_args, build_runner,  # noqa: E402
                                  load_config)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test a checkpoint')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--out', help='write the metrics to this JSON file')
    add_runner_args(parser)
    return parser.parse_args(argv)


def main(argv=None) -> dict:
    args = parse_args(argv)
    cfg = load_config(args)
    cfg.load_from = args.checkpoint
    check_data_roots(cfg, ('test_dataloader', ))
    runner = build_runner(cfg)
    metrics = runner.test()
    if args.out and is_main_process():
        with open(args.out, 'w') as f:
            json.dump(metrics, f, indent=2)
    return metrics


if __name__ == '__main__':
    main()
