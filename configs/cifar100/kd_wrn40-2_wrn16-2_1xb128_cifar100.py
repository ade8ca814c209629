# Offline KD (Hinton) baseline of `switokd_wrn40-2_wrn16-2_1xb128_cifar100.py`:
# the student learns from a
# frozen wrn40-2 trained alone first with
# `python tools/train.py configs/cifar100/vanilla_wrn40-2_1xb128_cifar100.py`.
_base_ = ['./switokd_wrn40-2_wrn16-2_1xb128_cifar100.py']

model = dict(
    type='OfflineKD',
    teacher_ckpt='work_dirs/vanilla_wrn40-2_1xb128_cifar100/epoch_300.pth',
    alpha=0.5,
    tau=3.0)
optim_wrapper = dict(teacher=None)  # the teacher is frozen
custom_hooks = {{_base_._distill_hooks}}
