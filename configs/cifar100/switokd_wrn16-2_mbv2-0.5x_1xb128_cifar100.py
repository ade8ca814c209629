# SwitOKD, teacher WRN-16-2 (0.70M) -> student 0.5x MobileNetV2 (0.81M) on
# CIFAR-100: paper Table 4 (student 67.24 +- 0.04, teacher 73.90 +- 0.40)
# and Table 3 at tau = 1. The DML, KDCL and vanilla rows inherit from it.
# Recipe: released CIFAR-100 script
# (SwitOKD_code/CIFAR-100/WRN16-2_0.5mobilenetv2/main.py), this pair's.
_base_ = [
    '../_base_/models/cifar100_classifiers.py',
    '../_base_/datasets/cifar100_bs128.py',
    '../_base_/schedules/switokd_cifar100_bs128.py',
    '../_base_/switokd_runtime.py',
]

model = dict(
    type='SwitOKD',
    student={{_base_.mbv2_0_5x}},
    teacher={{_base_.wrn16_2}},
    eval_teacher=True)
