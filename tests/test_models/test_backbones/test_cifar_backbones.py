"""The paper's networks: parameters and MACs of the authors' released models,
output shapes, options and argument checks."""
import pytest
import torch
from mmpretrain.registry import MODELS

from tools.analysis.config_params import count_macs


def classifier(backbone, channels, num_classes):
    return MODELS.build(
        dict(
            type='ImageClassifier',
            backbone=backbone,
            neck=dict(type='GlobalAveragePooling'),
            head=dict(
                type='LinearClsHead',
                num_classes=num_classes,
                in_channels=channels)))


def wrn16(k):
    return dict(
        type='WideResNet',
        depth=16,
        widen_factor=k,
        variant='wide-resnet.pytorch')


# (backbone, output channels, classes, input size, parameters, MACs) of the
# authors' released models, measured by instantiating their files with
# torch.utils.flop_counter (MACs = FLOPs / 2, one image)
RELEASED = [
    # CIFAR-10 (Table 4, Fig. 5): released wrnet16_*.py, resnet20.py
    (wrn16(1), 64, 10, 32, 175_626, 33_735_296),
    (wrn16(2), 128, 10, 32, 692_810, 129_418_496),
    (wrn16(4), 256, 10, 32, 2_751_146, 505_858_560),
    (wrn16(8), 512, 10, 32, 10_965_866, 2_001_130_496),
    (dict(type='CifarResNet', depth=20,
          shortcut='A'), 64, 10, 32, 269_722, 40_551_040),
    # CIFAR-100 (Tables 2-5, 7): wrnet.py, mobilenetv2.py (mobile_half),
    # wrn-40-2.py, mobilenet.py
    (wrn16(2), 128, 100, 32, 704_420, 129_430_016),
    (wrn16(10), 640, 100, 32, 17_179_940, 3_120_019_968),
    (dict(type='WideResNet', depth=40,
          widen_factor=2), 128, 100, 32, 2_255_156, 327_610_880),
    (dict(type='MobileNetV2Cifar',
          widen_factor=0.5), 1280, 100, 32, 812_836, 6_523_648),
    (dict(type='CifarResNet', depth=32,
          shortcut='A'), 64, 100, 32, 470_004, 68_868_352),
    (dict(type='MobileNetV1Cifar'), 1024, 100, 32, 3_309_476, 46_446_592),
    # Tiny-ImageNet (Table 4): resnet34.py (3x3 stride-1 stem, no max-pool),
    # torchvision's MobileNetV2 at 1.4x, resnet20.py with 200 classes
    (dict(type='ResNet_CIFAR',
          depth=34), 512, 200, 64, 21_379_592, 4_637_691_904),
    (dict(type='MobileNetV2',
          widen_factor=1.4), 1792, 200, 64, 4_674_376, 47_738_304),
    (dict(type='CifarResNet', depth=20,
          shortcut='A'), 64, 200, 64, 282_072, 162_214_400),
    # no released Tiny-ImageNet WRN-16-2: wrnet.py with global pooling
    (wrn16(2), 128, 200, 64, 717_320, 517_694_464),
    # ImageNet (Table 6): torchvision's resnet18/34 as released, and
    # torchvision's 0.5x MobileNetV2 (no released ImageNet MobileNetV2)
    (dict(type='ResNet', depth=18), 512, 1000, 224, 11_689_512,
     1_814_073_344),
    (dict(type='ResNet', depth=34), 512, 1000, 224, 21_797_672,
     3_663_761_408),
    (dict(type='MobileNetV2',
          widen_factor=0.5), 1280, 1000, 224, 1_968_680, 97_131_840),
]


@pytest.mark.parametrize('backbone, channels, classes, size, params, macs',
                         RELEASED)
def test_params_and_macs_match_the_released_models(backbone, channels,
                                                   classes, size, params,
                                                   macs):
    net = classifier(backbone, channels, classes)
    assert sum(p.numel() for p in net.parameters()) == pytest.approx(
        params, rel=0.01)
    assert count_macs(net, (3, size, size)) == pytest.approx(macs, rel=0.01)


@pytest.mark.parametrize(
    'cfg, shape',
    [
        (dict(type='CifarResNet', depth=20, shortcut='A'), (2, 64, 8, 8)),
        (wrn16(2), (2, 128, 8, 8)),
        # released mobile_half: stride-2 stem, 2x2 final map
        (dict(type='MobileNetV2Cifar', widen_factor=0.5), (2, 1280, 2, 2)),
        (dict(type='MobileNetV1Cifar'), (2, 1024, 2, 2)),
    ])
def test_output_shape_32x32(cfg, shape):
    assert MODELS.build(cfg)(torch.randn(2, 3, 32, 32))[-1].shape == shape


def test_mobilenet_v2_cifar_released_choices():
    backbone = MODELS.build(dict(type='MobileNetV2Cifar', widen_factor=0.5))
    assert backbone.layer2[0].conv[-1].conv.out_channels == 12  # int(24/2)
    assert len(backbone.layer1[0].conv) == 3  # t = 1 keeps its expansion
    assert not any(
        isinstance(m, torch.nn.ReLU6) for m in backbone.modules())


def test_resnet_shortcuts():
    a = MODELS.build(dict(type='CifarResNet', depth=20, shortcut='A'))
    b = MODELS.build(dict(type='CifarResNet', depth=20, shortcut='B'))
    assert sum(p.numel() for p in b.parameters()) - sum(
        p.numel() for p in a.parameters()) == 16 * 32 + 64 + 32 * 64 + 128
    x = torch.randn(1, 16, 8, 8)
    padded = a.layer2[0].downsample(x)
    assert padded.shape == (1, 32, 4, 4)
    assert torch.equal(padded[:, 8:24], x[:, :, ::2, ::2])
    assert not padded[:, :8].any() and not padded[:, 24:].any()


def test_wrn_variants():
    released = MODELS.build(wrn16(2))
    block = released.stages[1][0]
    assert block.conv1.stride == (1, 1) and block.conv2.stride == (2, 2)
    assert block.conv1.bias is not None and block.shortcut.bias is not None
    assert released.stages[-1][-2].momentum == 0.9
    plain = MODELS.build(dict(type='WideResNet', depth=16, widen_factor=2))
    assert plain.stages[1][0].conv1.stride == (2, 2)
    assert plain.stages[1][0].conv1.bias is None


def test_out_indices_and_grey_input():
    backbone = MODELS.build(
        dict(type='CifarResNet', depth=8, in_channels=1, out_indices=(0, -1)))
    outs = backbone(torch.randn(2, 1, 28, 28))
    assert [o.shape[1] for o in outs] == [16, 64]


def test_mobilenet_v1_stages_and_width():
    backbone = MODELS.build(
        dict(
            type='MobileNetV1Cifar',
            widen_factor=0.5,
            out_indices=(0, 1, 2, 3, 4)))
    outs = backbone(torch.randn(1, 3, 32, 32))
    assert [tuple(o.shape[1:]) for o in outs] == [(32, 32, 32), (64, 16, 16),
                                                  (128, 8, 8), (256, 4, 4),
                                                  (512, 2, 2)]
    depthwise = [
        m for m in backbone.modules()
        if isinstance(m, torch.nn.Conv2d) and m.groups > 1
    ]
    assert len(depthwise) == 13


@pytest.mark.parametrize('cfg, match', [
    (dict(type='CifarResNet', depth=21), '6n \\+ 2'),
    (dict(type='CifarResNet', shortcut='C'), 'shortcut'),
    (dict(type='WideResNet', depth=18), '6n \\+ 4'),
    (dict(type='WideResNet', widen_factor=0), 'widen_factor'),
    (dict(type='WideResNet', variant='x'), 'variant'),
    (dict(type='CifarResNet', out_indices=(3, )), 'out_indices'),
    (dict(type='MobileNetV2Cifar', out_indices=(8, )), 'out_indices'),
])
def test_bad_arguments(cfg, match):
    with pytest.raises(ValueError, match=match):
        MODELS.build(cfg)
