"""tools/analysis/config_params.py: parameters and MACs per network, as a
table with a header."""
from pathlib import Path

from tools.analysis import config_params
from tools.analysis.config_params import main

CONFIGS = Path(__file__).parents[2] / 'configs'
VANILLA = str(CONFIGS / 'cifar100/vanilla_mbv2-0.5x_1xb128_cifar100.py')
PAIR = str(CONFIGS / 'tiny_imagenet/switokd_r34_mbv2-1.4x_1xb128_'
           'tiny-imagenet.py')


def test_prints_params_and_macs_per_network_under_a_header(capsys):
    main([VANILLA, PAIR])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [
        'config', 'network', 'input', 'params', '(M)', 'MACs', '(M)'
    ]
    # the released mobile_half at 32x32; ResNet-34 / 1.4x MobileNetV2 at 64
    assert [line.split() for line in lines[1:]] == [
        [VANILLA, 'model', '3x32x32', '0.813', '6.5'],
        [PAIR, 'student', '3x64x64', '4.674', '47.7'],
        [PAIR, 'teacher', '3x64x64', '21.380', '4637.7'],
    ]


def test_columns_are_aligned():
    lines = config_params.format_table([
        ('a.py', 'student', '3x32x32', '0.5', '12.0'),
        ('longer/b.py', 'wrn16_10', '1x28x28', '17.180', '3120.0'),
    ])
    assert lines[0].startswith('config  ')
    # text starts in the header's column, numbers end where it ends
    for name in ('network', 'input'):
        start = lines[0].index(name)
        assert all(line[start - 1] == ' ' != line[start] for line in lines)
    assert len({len(line) for line in lines}) == 1
    assert lines[1].endswith('    0.5      12.0')


def test_shape_option(capsys):
    main([VANILLA, '--shape', '3', '64', '64'])
    row = capsys.readouterr().out.splitlines()[1].split()
    assert row[2:] == ['3x64x64', '0.813', '25.7']
