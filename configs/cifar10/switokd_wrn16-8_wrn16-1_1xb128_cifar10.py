# SwitOKD, teacher WRN-16-8 (11.0M) -> student WRN-16-1 (0.18M) on CIFAR-10
# (paper Table 4: student 92.50 +- 0.17, teacher 94.76 +- 0.12).
# Recipe: released CIFAR-10 script (SwitOKD_code/CIFAR-10/WRN-16-1_8/main.py),
# this pair's.
_base_ = [
    '../_base_/models/cifar10_classifiers.py',
    '../_base_/datasets/cifar10_bs128.py',
    '../_base_/schedules/switokd_cifar10_bs128.py',
    '../_base_/switokd_runtime.py',
]

model = dict(
    type='SwitOKD',
    student={{_base_.wrn16_1}},
    teacher={{_base_.wrn16_8}},
    eval_teacher=True)
