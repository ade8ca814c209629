# SwitOKD, teacher WRN-16-2 (0.72M) -> student ResNet-20 (0.28M) on
# Tiny-ImageNet (paper Table 4: student 55.03 +- 0.19, teacher 57.41 +- 0.06).
_base_ = [
    '../_base_/datasets/tiny_imagenet_bs128.py',
    '../_base_/schedules/switokd_tiny-imagenet_bs128.py',
    '../_base_/switokd_runtime.py',
]

model = dict(
    type='SwitOKD',
    student=dict(
        type='ImageClassifier',
        backbone=dict(type='CifarResNet', depth=20),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(
            type='LinearClsHead', num_classes=200, in_channels=64,
            topk=(1, 5))),
    teacher=dict(
        type='ImageClassifier',
        backbone=dict(type='WideResNet', depth=16, widen_factor=2),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(
            type='LinearClsHead',
            num_classes=200,
            in_channels=128,
            topk=(1, 5))),
    eval_teacher=True)
