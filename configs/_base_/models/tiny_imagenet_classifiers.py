# The paper's Tiny-ImageNet networks (Table 4, 200 classes, 64x64 images),
# top-1 and top-5. Configs use them as {{_base_.resnet34}}, ...
_base_ = ['./cifar100_classifiers.py']

_head = dict(
    type='LinearClsHead', num_classes=200, in_channels=512, topk=(1, 5))
# released Tiny-ImageNet resnet34.py: 3x3 stride-1 stem, no max-pool
# (mmpretrain's ResNet_CIFAR), 8x8 final map: 4.64 GMACs
resnet34 = dict(
    type='ImageClassifier',
    backbone=dict(type='ResNet_CIFAR', depth=34, zero_init_residual=False),
    neck=dict(type='GlobalAveragePooling'),
    head=_head)
# released mobilenet_v2.py is torchvision's at width 1.4 = mmpretrain's
# MobileNetV2 (stride-2 stem, 2x2 final map); the released classifier's
# dropout 0.2 before the linear layer is not reproduced (LinearClsHead)
mbv2_1_4x = dict(
    type='ImageClassifier',
    backbone=dict(type='MobileNetV2', widen_factor=1.4),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(_head, in_channels=1792))
# no released Tiny-ImageNet WRN-16-2 / ResNet-20 script: the released CIFAR
# networks (global average pooling) with 200 classes
wrn16_2 = dict(head=dict(num_classes=200, topk=(1, 5)))
resnet20 = dict(head=dict(num_classes=200, topk=(1, 5)))
