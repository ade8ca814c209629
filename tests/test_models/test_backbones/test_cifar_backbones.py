"""CIFAR backbones: shapes, depth rules and the paper's parameter counts."""
import pytest
import torch
from mmpretrain.registry import MODELS


def classifier_params(backbone, channels, num_classes):
    model = MODELS.build(
        dict(
            type='ImageClassifier',
            backbone=backbone,
            neck=dict(type='GlobalAveragePooling'),
            head=dict(
                type='LinearClsHead',
                num_classes=num_classes,
                in_channels=channels)))
    return sum(p.numel() for p in model.parameters()) / 1e6


# (backbone, output channels, classes, parameters in millions as published:
#  the paper's tables and the WRN/ResNet papers)
PAPER_COUNTS = [
    (dict(type='CifarResNet', depth=20), 64, 10, 0.27),
    (dict(type='CifarResNet', depth=32), 64, 100, 0.47),
    (dict(type='CifarResNet', depth=56), 64, 10, 0.85),
    (dict(type='CifarResNet', depth=110), 64, 10, 1.7),
    (dict(type='WideResNet', depth=16, widen_factor=1), 64, 10, 0.17),
    (dict(type='WideResNet', depth=16, widen_factor=2), 128, 100, 0.70),
    (dict(type='WideResNet', depth=16, widen_factor=4), 256, 100, 2.77),
    (dict(type='WideResNet', depth=16, widen_factor=8), 512, 10, 11.0),
    (dict(type='WideResNet', depth=40, widen_factor=2), 128, 100, 2.25),
    # paper Table 4: 0.5x MobileNetV2 (0.81M) on CIFAR-100,
    # 1.4x MobileNetV2 (4.7M) on Tiny-ImageNet (200 classes)
    (dict(type='MobileNetV2Cifar', widen_factor=0.5), 1280, 100, 0.81),
    (dict(type='MobileNetV2Cifar', widen_factor=1.4), 1792, 200, 4.7),
]


@pytest.mark.parametrize('backbone, channels, classes, millions', PAPER_COUNTS)
def test_parameter_counts_match_the_papers(backbone, channels, classes,
                                           millions):
    assert classifier_params(backbone, channels, classes) == pytest.approx(
        millions, rel=0.03)


@pytest.mark.parametrize(
    'cfg, shape',
    [
        (dict(type='CifarResNet', depth=20), (2, 64, 8, 8)),
        (dict(type='WideResNet', depth=16, widen_factor=2), (2, 128, 8, 8)),
        # 32x32 inputs keep spatial detail: 4x4 (mmpretrain's MobileNetV2: 1x1)
        (dict(type='MobileNetV2Cifar', widen_factor=0.5), (2, 1280, 4, 4)),
        (dict(type='MobileNetV1Cifar'), (2, 1024, 2, 2)),
    ])
def test_output_shape_32x32(cfg, shape):
    assert MODELS.build(cfg)(torch.randn(2, 3, 32, 32))[-1].shape == shape


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
    (dict(type='WideResNet', depth=18), '6n \\+ 4'),
    (dict(type='WideResNet', widen_factor=0), 'widen_factor'),
    (dict(type='CifarResNet', out_indices=(3, )), 'out_indices'),
])
def test_bad_arguments(cfg, match):
    with pytest.raises(ValueError, match=match):
        MODELS.build(cfg)
