# SwitOKD, teacher WRN-40-2 (2.26M) -> student WRN-16-2 (0.70M) on CIFAR-100
# (paper Table 5: student 75.95, teacher 76.54).
# Recipe: released CIFAR-100 script
# (SwitOKD_code/CIFAR-100/WRN16-2_0.5mobilenetv2/main.py), whose folder holds
# the WRN-40-2 model file; no script released for this pair.
_base_ = [
    '../_base_/models/cifar100_classifiers.py',
    '../_base_/datasets/cifar100_bs128.py',
    '../_base_/schedules/switokd_cifar100_bs128.py',
    '../_base_/switokd_runtime.py',
]

model = dict(
    type='SwitOKD',
    student={{_base_.wrn16_2}},
    teacher={{_base_.wrn40_2}},
    eval_teacher=True)
