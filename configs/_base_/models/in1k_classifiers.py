# The ImageNet-1k networks of the paper's Table 6, defined once. ResNet-18
# and ResNet-34: the released ImageNet models (torchvision's, as
# SwitOKD_code/ImageNet/ResNet18_34/models/resnet{18,34}.py) = mmpretrain's
# ResNet without zero-initialised residual BN (torchvision's default).
# 0.5x MobileNetV2 (no released ImageNet model): mmpretrain's, which is
# torchvision's (1.97M parameters as in the paper). Configs use them as
# {{_base_.resnet18}}, ...
_head = dict(type='LinearClsHead', num_classes=1000, topk=(1, 5))
resnet18 = dict(
    type='ImageClassifier',
    backbone=dict(
        type='ResNet', depth=18, out_indices=(3, ), zero_init_residual=False),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(**_head, in_channels=512))
resnet34 = dict(
    type='ImageClassifier',
    backbone=dict(
        type='ResNet', depth=34, out_indices=(3, ), zero_init_residual=False),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(**_head, in_channels=512))
mobilenet_v2_0_5x = dict(
    type='ImageClassifier',
    backbone=dict(type='MobileNetV2', widen_factor=0.5),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(**_head, in_channels=1280))
