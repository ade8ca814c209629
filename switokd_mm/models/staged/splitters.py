"""Stage splitters of the supported backbones (registered on import).

Each splitter follows its backbone's forward: the first stage takes the
stem, every later stage is one of the backbone's stages, and the stages end
with the output the classifier's head reads (``out_indices`` must end at
the last stage).
"""
import torch.nn as nn
from mmpretrain.models.backbones import VGG, ResNet, ResNet_CIFAR, ShuffleNetV1

from ..backbones import (CifarResNet, MobileNetV1Cifar, MobileNetV2Cifar,
                         WideResNet)
from .registry import (BackboneStages, Stage, register_stage_splitter,
                       require_last_output)


def _res_layer_stages(backbone: nn.Module, stem: tuple) -> BackboneStages:
    names = backbone.res_layers
    require_last_output(backbone, len(names), [len(names) - 1])
    return BackboneStages(
        tuple(
            Stage(name, (stem if i == 0 else ()) +
                  (getattr(backbone, name), ))
            for i, name in enumerate(names)))


@register_stage_splitter(ResNet)
def split_resnet(backbone: ResNet) -> BackboneStages:
    """mmpretrain's ImageNet ResNet (and its subclasses that keep its
    forward: ResNetV1c/V1d, ResNeXt, SE-ResNet, ...): the stem (conv1,
    norm1, ReLU, or the deep stem), the max-pool and layer1, then layer2,
    layer3, layer4."""
    if backbone.deep_stem:
        stem = (backbone.stem, )
    else:
        stem = (backbone.conv1, backbone.norm1, backbone.relu)
    return _res_layer_stages(backbone, stem + (backbone.maxpool, ))


@register_stage_splitter(ResNet_CIFAR, CifarResNet)
def split_resnet_cifar(backbone: ResNet_CIFAR) -> BackboneStages:
    """mmpretrain's ResNet_CIFAR and our CifarResNet: the 3x3 stem (conv1,
    norm1, ReLU; no max-pool) and layer1, then layer2, layer3(, layer4)."""
    return _res_layer_stages(
        backbone, (backbone.conv1, backbone.norm1, backbone.relu))


@register_stage_splitter(WideResNet)
def split_wide_resnet(backbone: WideResNet) -> BackboneStages:
    """WRN: the stem convolution and stages.0, then stages.1 and
    stages.2 (which ends with the final BN-ReLU)."""
    count = len(backbone.stages)
    require_last_output(backbone, count, [count - 1])
    return BackboneStages(
        tuple(
            Stage(f'stages.{i}', ((backbone.stem, ) if i == 0 else ()) +
                  (stage, )) for i, stage in enumerate(backbone.stages)))


@register_stage_splitter(MobileNetV1Cifar)
def split_mobilenet_v1_cifar(backbone: MobileNetV1Cifar) -> BackboneStages:
    """MobileNet v1: its five stages (stages.0 holds the stem)."""
    count = len(backbone.stages)
    require_last_output(backbone, count, [count - 1])
    return BackboneStages(
        tuple(
            Stage(f'stages.{i}', (stage, ))
            for i, stage in enumerate(backbone.stages)))


#: MobileNetV2Cifar's block stages grouped by resolution, as the released
#: CIFAR code's features f1-f4 (``mobilenetv2.py``): 16x16, 8x8, 4x4, 2x2
MOBILENET_V2_CIFAR_STAGES = (('layer1', 'layer2'), ('layer3', ),
                             ('layer4', 'layer5'), ('layer6', 'layer7'))


@register_stage_splitter(MobileNetV2Cifar)
def split_mobilenet_v2_cifar(backbone: MobileNetV2Cifar) -> BackboneStages:
    """The CIFAR MobileNetV2: four stages as the released code's features
    (the stem conv1, layer1, layer2; layer3; layer4, layer5; layer6,
    layer7). The last 1x1 convolution (conv2, out index 7) precedes the
    pooling, as in the released code: it is the pooled feature's, when
    ``out_indices`` end at 7 (or absent when they end at 6, layer7)."""
    last = require_last_output(backbone, len(backbone.layers), [6, 7])
    stages = []
    for i, names in enumerate(MOBILENET_V2_CIFAR_STAGES):
        stem = (backbone.conv1, ) if i == 0 else ()
        stages.append(
            Stage(names[-1],
                  stem + tuple(getattr(backbone, n) for n in names)))
    return BackboneStages(
        tuple(stages), (backbone.conv2, ) if last == 7 else ())


@register_stage_splitter(VGG)
def split_vgg(backbone: VGG) -> BackboneStages:
    """mmpretrain's VGG without its own classifier (``num_classes <= 0``):
    its stages are the ranges ``range_sub_modules`` of ``features`` (the
    convolutions and the max-pool); a stage's output is that of its last
    module."""
    if backbone.num_classes > 0:
        raise ValueError('stage-wise execution of VGG: build it with '
                         'num_classes <= 0 (the classifier is the '
                         'ImageClassifier\'s neck and head), got '
                         f'num_classes={backbone.num_classes}')
    count = len(backbone.stage_blocks)
    require_last_output(backbone, count, [count - 1])
    features = getattr(backbone, backbone.module_name)
    return BackboneStages(
        tuple(
            Stage(f'{backbone.module_name}.{end - 1}',
                  tuple(features[j] for j in range(start, end)))
            for start, end in backbone.range_sub_modules))


@register_stage_splitter(ShuffleNetV1)
def split_shufflenet_v1(backbone: ShuffleNetV1) -> BackboneStages:
    """mmpretrain's ShuffleNetV1: the stem (conv1, max-pool) and layers.0,
    then layers.1 and layers.2."""
    count = len(backbone.layers)
    require_last_output(backbone, count, [count - 1])
    stem = (backbone.conv1, backbone.maxpool)
    return BackboneStages(
        tuple(
            Stage(f'layers.{i}', (stem if i == 0 else ()) + (layer, ))
            for i, layer in enumerate(backbone.layers)))
