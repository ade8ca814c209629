# SwitOKD, teacher WRN-40-2 (2.26M) -> student WRN-16-2 (0.70M) on CIFAR-100
# (paper Table 5: student 75.95, teacher 76.54).
_base_ = [
    '../_base_/datasets/cifar100_bs128.py',
    '../_base_/schedules/switokd_cifar_bs128.py',
    '../_base_/switokd_runtime.py',
]

model = dict(
    type='SwitOKD',
    student=dict(
        type='ImageClassifier',
        backbone=dict(type='WideResNet', depth=16, widen_factor=2),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=100, in_channels=128)),
    teacher=dict(
        type='ImageClassifier',
        backbone=dict(type='WideResNet', depth=40, widen_factor=2),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=100, in_channels=128)),
    eval_teacher=True)
