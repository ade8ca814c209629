# SwitOKD, teacher ResNet-18 (11.7M) -> student 0.5x MobileNetV2 (1.97M) on
# ImageNet-1k, 8 GPUs x 64 (paper Table 6: student 65.11, teacher 68.08).
# Recipe: released ImageNet script (SwitOKD_code/ImageNet/ResNet18_34/main.py)
# (released for ResNet-34 -> ResNet-18; no script released for this pair).
_base_ = [
    '../_base_/models/in1k_classifiers.py',
    '../_base_/datasets/imagenet_bs64.py',
    '../_base_/schedules/switokd_imagenet_bs512.py',
    '../_base_/switokd_runtime.py',
]

model = dict(
    type='SwitOKD',
    student={{_base_.mobilenet_v2_0_5x}},
    teacher={{_base_.resnet18}},
    eval_teacher=True)

val_evaluator = dict(
    _delete_=True,
    type='PerNetworkMetric',
    metric=dict(type='Accuracy', topk=(1, 5)))
test_evaluator = val_evaluator
