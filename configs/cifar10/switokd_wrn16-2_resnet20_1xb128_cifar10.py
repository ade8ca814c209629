# SwitOKD, teacher WRN16-2 -> student ResNet-20 on CIFAR-10 (paper
# Fig. 5: the student against teachers of growing capacity).
_base_ = [
    '../_base_/datasets/cifar10_bs128.py',
    '../_base_/schedules/switokd_cifar_bs128.py',
    '../_base_/switokd_runtime.py',
]

model = dict(
    type='SwitOKD',
    student=dict(
        type='ImageClassifier',
        backbone=dict(type='CifarResNet', depth=20),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=10, in_channels=64)),
    teacher=dict(
        type='ImageClassifier',
        backbone=dict(type='WideResNet', depth=16, widen_factor=2),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=10, in_channels=128)),
    eval_teacher=True)
