# SwitOKD, teacher WRN-16-8 (11.0M) -> student WRN-16-1 (0.18M) on CIFAR-10
# (paper Table 4: student 92.50 +- 0.17, teacher 94.76 +- 0.12).
_base_ = [
    '../_base_/datasets/cifar10_bs128.py',
    '../_base_/schedules/switokd_cifar_bs128.py',
    '../_base_/switokd_runtime.py',
]

model = dict(
    type='SwitOKD',
    student=dict(
        type='ImageClassifier',
        backbone=dict(type='WideResNet', depth=16, widen_factor=1),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=10, in_channels=64)),
    teacher=dict(
        type='ImageClassifier',
        backbone=dict(type='WideResNet', depth=16, widen_factor=8),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=10, in_channels=512)),
    eval_teacher=True)
