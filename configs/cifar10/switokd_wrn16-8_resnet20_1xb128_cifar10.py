# SwitOKD, teacher WRN-16-8 -> student ResNet-20 on CIFAR-10 (paper Fig. 5: the
# student against teachers of growing capacity; plotted, no numbers).
# Recipe: released CIFAR-10 script (SwitOKD_code/CIFAR-10/WRN-16-1_8/main.py);
# no script released for this pair.
_base_ = [
    '../_base_/models/cifar10_classifiers.py',
    '../_base_/datasets/cifar10_bs128.py',
    '../_base_/schedules/switokd_cifar10_bs128.py',
    '../_base_/switokd_runtime.py',
]

model = dict(
    type='SwitOKD',
    student={{_base_.resnet20}},
    teacher={{_base_.wrn16_8}},
    eval_teacher=True)
