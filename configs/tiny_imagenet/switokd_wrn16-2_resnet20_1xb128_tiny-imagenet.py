# SwitOKD, teacher WRN-16-2 (0.72M) -> student ResNet-20 (0.28M) on
# Tiny-ImageNet (paper Table 4: student 55.03 +- 0.19, teacher 57.41 +- 0.06).
# Recipe: released Tiny-ImageNet script
# (SwitOKD_code/Tiny-ImageNet/Train/SwitOKD/main.py); no script released for
# this pair (the released CIFAR networks, 200 classes).
_base_ = [
    '../_base_/models/tiny_imagenet_classifiers.py',
    '../_base_/datasets/tiny_imagenet_bs128.py',
    '../_base_/schedules/switokd_tiny-imagenet_bs128.py',
    '../_base_/switokd_runtime.py',
]

model = dict(
    type='SwitOKD',
    student={{_base_.resnet20}},
    teacher={{_base_.wrn16_2}},
    eval_teacher=True)
