# Paper Fig. 5, offline KD (Hinton, tau = 2 as in paper Sec. 3.1): the
# student of `switokd_wrn16-4_resnet20_1xb128_cifar10.py` learns from a
# frozen WRN-16-4 trained alone first with
# `python tools/train.py configs/cifar10/vanilla_wrn16-4_1xb128_cifar10.py`.
_base_ = ['./switokd_wrn16-4_resnet20_1xb128_cifar10.py']

model = dict(
    type='OfflineKD',
    teacher_ckpt='work_dirs/vanilla_wrn16-4_1xb128_cifar10/epoch_299.pth',
    alpha=0.5,
    tau=2.0)
optim_wrapper = dict(teacher=None)  # the teacher is frozen
