# SwitOKD, teacher WRN-16-2 (0.70M) -> student ResNet-32 (0.47M) on
# CIFAR-100: the pair of the paper's ablation (Table 2, case D: student
# 73.47 top-1); the variants of Table 2 inherit from it.
_base_ = [
    '../_base_/datasets/cifar100_bs128.py',
    '../_base_/schedules/switokd_cifar_bs128.py',
    '../_base_/switokd_runtime.py',
]

model = dict(
    type='SwitOKD',
    student=dict(
        type='ImageClassifier',
        backbone=dict(type='CifarResNet', depth=32),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=100, in_channels=64)),
    teacher=dict(
        type='ImageClassifier',
        backbone=dict(type='WideResNet', depth=16, widen_factor=2),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=100, in_channels=128)),
    eval_teacher=True)
