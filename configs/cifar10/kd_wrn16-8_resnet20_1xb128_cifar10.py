# Offline KD (Hinton) baseline of `switokd_wrn16-8_resnet20_1xb128_cifar10.py`:
# the student learns from a
# frozen wrn16-8 trained alone first with
# `python tools/train.py configs/cifar10/vanilla_wrn16-8_1xb128_cifar10.py`.
_base_ = ['./switokd_wrn16-8_resnet20_1xb128_cifar10.py']

model = dict(
    type='OfflineKD',
    teacher_ckpt='work_dirs/vanilla_wrn16-8_1xb128_cifar10/epoch_300.pth',
    alpha=0.5,
    tau=3.0)
optim_wrapper = dict(teacher=None)  # the teacher is frozen
custom_hooks = {{_base_._distill_hooks}}
