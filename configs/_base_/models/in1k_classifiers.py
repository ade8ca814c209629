# The ImageNet-1k networks of the paper's Table 6, defined once: mmpretrain's
# own ImageNet ResNets (its _base_/models/resnet18.py, 34.py) and its
# MobileNetV2 at width 0.5. Configs use them as {{_base_.resnet18}}, ...
_head = dict(type='LinearClsHead', num_classes=1000, topk=(1, 5))
resnet18 = dict(
    type='ImageClassifier',
    backbone=dict(type='ResNet', depth=18, out_indices=(3, )),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(**_head, in_channels=512))
resnet34 = dict(
    type='ImageClassifier',
    backbone=dict(type='ResNet', depth=34, out_indices=(3, )),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(**_head, in_channels=512))
mobilenet_v2_0_5x = dict(
    type='ImageClassifier',
    backbone=dict(type='MobileNetV2', widen_factor=0.5),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(**_head, in_channels=1280))
