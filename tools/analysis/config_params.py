"""Parameter counts of the networks each config builds.

    python tools/analysis/config_params.py configs/cifar100/*.py
"""
import argparse

from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpretrain.registry import MODELS

import switokd_mm  # noqa: F401  (registers the plugin)


def network_params(config: str) -> dict:
    """Millions of parameters per network (student/teacher or model)."""
    cfg = Config.fromfile(config)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    model = MODELS.build(cfg.model)
    networks = ({
        'student': model.student,
        'teacher': model.teacher
    } if hasattr(model, 'student') else {
        'model': model
    })
    return {
        name: sum(p.numel() for p in net.parameters()) / 1e6
        for name, net in networks.items()
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('configs', nargs='+')
    for config in parser.parse_args(argv).configs:
        counts = network_params(config)
        print(config + '\t' + '\t'.join(f'{name} {value:.2f}M'
                                        for name, value in counts.items()))


if __name__ == '__main__':
    main()
