# SwitOKD, teacher WRN-16-4 -> student ResNet-20 on CIFAR-10 (paper
# Fig. 5: the student against teachers of growing capacity).
_base_ = ['./switokd_wrn16-2_resnet20_1xb128_cifar10.py']

model = dict(
    teacher=dict(backbone=dict(widen_factor=4), head=dict(in_channels=256)))
