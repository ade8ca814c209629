"""SAKD's adapters: the layer each size ratio takes, the shapes they map."""
import pytest
import torch
import torch.nn as nn

from switokd_mm.models.sakd import build_adapter


def check_conv_adapter(adapter, conv_type, kernel, stride, channels):
    assert isinstance(adapter, nn.Sequential)
    conv, norm, relu = adapter
    assert type(conv) is conv_type
    assert conv.kernel_size == (kernel, kernel)
    assert conv.stride == (stride, stride)
    assert (conv.in_channels, conv.out_channels) == channels
    assert isinstance(norm, nn.BatchNorm2d)
    assert norm.num_features == channels[1]
    assert isinstance(relu, nn.ReLU)


@pytest.mark.parametrize(
    'in_shape, out_shape, conv_type, kernel, stride',
    [
        ((4, 7, 7), (16, 7, 7), nn.Conv2d, 1, 1),  # equal sizes
        ((4, 14, 14), (16, 7, 7), nn.Conv2d, 3, 2),  # halved
        ((16, 7, 7), (4, 14, 14), nn.ConvTranspose2d, 4, 2),  # doubled
        ((8, 28, 14), (2, 14, 7), nn.Conv2d, 3, 2),  # not square
    ],
    ids=['equal', 'half', 'double', 'rectangular'])
def test_feature_map_adapters(in_shape, out_shape, conv_type, kernel, stride):
    adapter = build_adapter(in_shape, out_shape)
    check_conv_adapter(adapter, conv_type, kernel, stride,
                       (in_shape[0], out_shape[0]))
    out = adapter(torch.randn(3, *in_shape))
    assert out.shape == (3, *out_shape)
    assert (out >= 0).all()  # after the ReLU


def test_vectors_take_a_linear_layer():
    adapter = build_adapter([16], [64])
    assert type(adapter) is nn.Linear
    assert (adapter.in_features, adapter.out_features) == (16, 64)
    assert adapter(torch.randn(2, 16)).shape == (2, 64)


@pytest.mark.parametrize(
    'in_shape, out_shape, message',
    [
        ((4, 8, 8), (4, 3, 3), 'factor 2'),
        ((4, 8, 8), (4, 2, 2), 'factor 2'),  # 4x smaller
        ((4, 7, 7), (4, 4, 4), 'factor 2'),  # odd: 7 != 2 * 4
        ((4, 8, 8), (4, 8, 4), 'factor 2'),  # one side only
        ((16, ), (16, 7, 7), r'\(C,\) or \(C, H, W\)'),
        ((16, 7, 7), (16, ), r'\(C,\) or \(C, H, W\)'),
        ((16, 7), (16, 7), r'\(C,\) or \(C, H, W\)'),
    ])
def test_shapes_without_an_adapter_raise(in_shape, out_shape, message):
    with pytest.raises(ValueError, match=message):
        build_adapter(in_shape, out_shape)
