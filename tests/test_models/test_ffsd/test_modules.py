"""FFSD's modules: the decoder gives back the shapes of the earlier stages
of each backbone the method is run on; the fusion module and the leader's
trans-fusion head map m students' channels to one's and back."""
from typing import List

import pytest
import torch
import torch.nn as nn
from mmpretrain.registry import MODELS

import switokd_mm  # noqa: F401
from switokd_mm.models.ffsd import (FeatureDecoder, FusionModule,
                                    TransFusionHead)


def stage_outputs(backbone: dict, stages: List[str],
                  input_shape: tuple) -> List[torch.Tensor]:
    """The outputs of ``stages`` of a freshly built backbone on zeros."""
    net = MODELS.build(backbone)
    net.eval()  # (mmpretrain's ResNet.train returns None)
    outputs = {}
    for path in stages:
        net.get_submodule(path).register_forward_hook(
            lambda m, i, o, path=path: outputs.__setitem__(path, o))
    with torch.no_grad():
        net(torch.rand(*input_shape))
    return [outputs[path] for path in stages]


BACKBONES = {
    # the tests' tiny CifarResNet: 2x28x28, 4x14x14, 8x7x7
    'tiny-resnet8':
    dict(
        backbone=dict(
            type='CifarResNet', depth=8, base_channels=2, in_channels=1),
        stages=['layer1', 'layer2', 'layer3'],
        input_shape=(2, 1, 28, 28),
        sizes=[(2, 28), (4, 14), (8, 7)]),
    'cifar-resnet20':
    dict(
        backbone=dict(type='CifarResNet', depth=20, shortcut='A'),
        stages=['layer1', 'layer2', 'layer3'],
        input_shape=(2, 3, 32, 32),
        sizes=[(16, 32), (32, 16), (64, 8)]),
    # WRN: layer 1, layer 2 and the final BN-ReLU closing stage 3
    'wrn-16-2':
    dict(
        backbone=dict(type='WideResNet', depth=16, widen_factor=2),
        stages=['stages.0', 'stages.1', 'stages.2'],
        input_shape=(2, 3, 32, 32),
        sizes=[(32, 32), (64, 16), (128, 8)]),
    'imagenet-resnet18':
    dict(
        backbone=dict(type='ResNet', depth=18),
        stages=['layer1', 'layer2', 'layer3', 'layer4'],
        input_shape=(1, 3, 224, 224),
        sizes=[(64, 56), (128, 28), (256, 14), (512, 7)]),
}


@pytest.mark.parametrize('name', list(BACKBONES))
def test_decoder_gives_the_shapes_of_the_earlier_stages(name):
    spec = BACKBONES[name]
    stages, input_shape = spec['stages'], spec['input_shape']
    features = stage_outputs(spec['backbone'], stages, input_shape)
    batch = input_shape[0]
    assert [tuple(f.shape) for f in features] == [(batch, c, s, s)
                                                  for c, s in spec['sizes']]
    decoder = FeatureDecoder(features[-1].shape[1], len(stages) - 1)
    assert len(decoder.blocks) == len(stages) - 1
    decoded = decoder(features[-1])
    assert [g.shape for g in decoded] == [f.shape for f in features[:-1]]
    assert all((g >= 0).all() for g in decoded)  # each block ends in a ReLU
    # transposed 3x3 convolutions, stride 2, without bias
    for block in decoder.blocks:
        conv = block[0]
        assert isinstance(conv, nn.ConvTranspose2d)
        assert (conv.kernel_size, conv.stride, conv.padding,
                conv.output_padding) == ((3, 3), (2, 2), (1, 1), (1, 1))
        assert conv.bias is None
        assert isinstance(block[1], nn.BatchNorm2d)


def test_decoder_of_resnet18_has_three_blocks_halving_the_channels():
    decoder = FeatureDecoder(512, 3)
    widths = [(b[0].in_channels, b[0].out_channels) for b in decoder.blocks]
    assert widths == [(512, 256), (256, 128), (128, 64)]
    shapes = [g.shape[1:] for g in decoder(torch.zeros(1, 512, 7, 7))]
    assert shapes == [(64, 56, 56), (128, 28, 28), (256, 14, 14)]


@pytest.mark.parametrize('channels, blocks', [(6, 2), (12, 3), (7, 1), (8, 0)])
def test_decoder_channels_that_do_not_halve_evenly_raise(channels, blocks):
    with pytest.raises(ValueError, match='divide evenly'):
        FeatureDecoder(channels, blocks)


def test_decoder_halving_to_odd_channels_is_fine():
    decoder = FeatureDecoder(12, 2)  # 12 -> 6 -> 3
    assert [g.shape[1] for g in decoder(torch.zeros(2, 12, 4, 4))] == [3, 6]


@pytest.mark.parametrize('num_students', [2, 3])
@pytest.mark.parametrize('channels, size', [(8, 7), (64, 8)])
def test_fusion_module_shapes(num_students, channels, size):
    fusion = FusionModule(channels, num_students, num_classes=10)
    fusion.init_weights()
    inputs = torch.rand(3, channels * num_students, size, size)
    fused, logits = fusion(inputs)
    assert fused.shape == (3, channels, size, size)
    assert logits.shape == (3, 10)
    assert (fused >= 0).all()
    # the logits are the linear layer on the pooled fused features
    torch.testing.assert_close(logits, fusion.fc(fused.mean((2, 3))))
    depthwise, pointwise = fusion.fuse[0], fusion.fuse[3]
    assert depthwise.groups == channels * num_students
    assert depthwise.weight.shape == (channels * num_students, 1, 3, 3)
    assert pointwise.weight.shape == (channels, channels * num_students, 1, 1)
    assert depthwise.bias is None and pointwise.bias is None
    for bn in (fusion.fuse[1], fusion.fuse[4]):
        assert (bn.weight == 1).all() and (bn.bias == 0).all()
    with pytest.raises(RuntimeError):  # one student's channels too few
        fusion(torch.rand(3, channels, size, size))


@pytest.mark.parametrize('num_students', [2, 3])
def test_trans_fusion_head_shapes(num_students):
    head = TransFusionHead(8, num_students)
    head.init_weights()
    out = head(torch.rand(3, 8, 7, 7))
    assert out.shape == (3, 8 * num_students, 7, 7)
    assert (out >= 0).all()
    depthwise, pointwise = head.layers[0], head.layers[3]
    assert depthwise.groups == 8 and depthwise.bias is None
    assert pointwise.weight.shape == (8 * num_students, 8, 1, 1)
    # its output's attention is comparable with the students' concatenation
    fused, _ = FusionModule(8, num_students, 10)(out)
    assert fused.shape == (3, 8, 7, 7)
