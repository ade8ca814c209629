# SwitOKD, teacher ResNet-34 (21.3M) -> student 1.4x MobileNetV2 (4.7M) on
# Tiny-ImageNet, the paper's Table 4 row (SwitOKD student 58.71 +- 0.11,
# vanilla 50.98, DML 55.70, KDCL 57.79). Both are mmpretrain's networks.
_base_ = [
    '../_base_/datasets/tiny_imagenet_bs128.py',
    '../_base_/schedules/switokd_tiny-imagenet_bs128.py',
    '../_base_/switokd_runtime.py',
]

model = dict(
    type='SwitOKD',
    student=dict(
        type='ImageClassifier',
        backbone=dict(type='MobileNetV2', widen_factor=1.4),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(
            type='LinearClsHead',
            num_classes=200,
            in_channels=1792,
            topk=(1, 5))),
    teacher=dict(
        type='ImageClassifier',
        backbone=dict(type='ResNet', depth=34, out_indices=(3, )),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(
            type='LinearClsHead',
            num_classes=200,
            in_channels=512,
            topk=(1, 5))),
    eval_teacher=True)
