# SwitOKD, teacher ResNet-18 (11.7M) -> student 0.5x MobileNetV2 (1.97M) on
# ImageNet-1k, 8 GPUs x 64 (paper Table 6: student 65.11, teacher 68.08).
_base_ = [
    '../_base_/datasets/imagenet_bs64.py',
    '../_base_/schedules/switokd_imagenet_bs512.py',
    '../_base_/switokd_runtime.py',
]

model = dict(
    type='SwitOKD',
    student=dict(
        type='ImageClassifier',
        backbone=dict(type='MobileNetV2', widen_factor=0.5),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(
            type='LinearClsHead',
            num_classes=1000,
            in_channels=1280,
            topk=(1, 5))),
    teacher=dict(
        type='ImageClassifier',
        backbone=dict(type='ResNet', depth=18, out_indices=(3, )),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(
            type='LinearClsHead',
            num_classes=1000,
            in_channels=512,
            topk=(1, 5))),
    eval_teacher=True)

val_evaluator = dict(
    _delete_=True,
    type='PerNetworkMetric',
    metric=dict(type='Accuracy', topk=(1, 5)))
test_evaluator = val_evaluator
