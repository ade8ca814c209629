# SwitOKD, teacher ResNet-34 (21.3M) -> student 1.4x MobileNetV2 (4.7M) on
# Tiny-ImageNet (paper Table 4: student 58.71 +- 0.11, teacher 63.31 +- 0.04).
# Recipe: released Tiny-ImageNet script
# (SwitOKD_code/Tiny-ImageNet/Train/SwitOKD/main.py), this pair's.
_base_ = [
    '../_base_/models/tiny_imagenet_classifiers.py',
    '../_base_/datasets/tiny_imagenet_bs128.py',
    '../_base_/schedules/switokd_tiny-imagenet_bs128.py',
    '../_base_/switokd_runtime.py',
]

model = dict(
    type='SwitOKD',
    student={{_base_.mbv2_1_4x}},
    teacher={{_base_.resnet34}},
    eval_teacher=True)
