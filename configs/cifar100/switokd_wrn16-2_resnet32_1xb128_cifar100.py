# SwitOKD, teacher WRN-16-2 (0.70M) -> student ResNet-32 (0.47M) on CIFAR-100:
# the pair of the paper's ablation (Table 2, case D: student 73.47 top-1); the
# variants of Table 2 inherit from it.
# Recipe: released CIFAR-100 script
# (SwitOKD_code/CIFAR-100/WRN16-2_0.5mobilenetv2/main.py); no script released
# for this pair.
_base_ = [
    '../_base_/models/cifar100_classifiers.py',
    '../_base_/datasets/cifar100_bs128.py',
    '../_base_/schedules/switokd_cifar100_bs128.py',
    '../_base_/switokd_runtime.py',
]

model = dict(
    type='SwitOKD',
    student={{_base_.resnet32}},
    teacher={{_base_.wrn16_2}},
    eval_teacher=True)
