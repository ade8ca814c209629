"""tools/analysis/config_params.py: parameters and MACs per network."""
from pathlib import Path

from tools.analysis.config_params import main

CONFIGS = Path(__file__).parents[2] / 'configs'


def test_prints_params_and_macs_per_network(capsys):
    main([
        str(CONFIGS / 'cifar100/vanilla_mbv2-0.5x_1xb128_cifar100.py'),
        str(CONFIGS / 'tiny_imagenet/switokd_r34_mbv2-1.4x_1xb128_'
            'tiny-imagenet.py'),
    ])
    lines = capsys.readouterr().out.splitlines()
    # the released mobile_half at 32x32; ResNet-34 / 1.4x MobileNetV2 at 64
    assert lines[0].endswith('model 0.813M params 6.5M MACs')
    assert lines[1].endswith('student 4.674M params 47.7M MACs\t'
                             'teacher 21.380M params 4637.7M MACs')


def test_shape_option(capsys):
    main([
        str(CONFIGS / 'cifar100/vanilla_mbv2-0.5x_1xb128_cifar100.py'),
        '--shape', '3', '64', '64'
    ])
    assert capsys.readouterr().out.strip().endswith('25.7M MACs')
