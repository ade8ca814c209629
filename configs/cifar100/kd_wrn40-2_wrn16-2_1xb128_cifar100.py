# Paper Table 5, KD column (student 74.49): offline KD (Hinton, tau = 2 as
# in paper Sec. 3.1), the student of
# `switokd_wrn40-2_wrn16-2_1xb128_cifar100.py` learns from a frozen
# WRN-40-2 trained alone first with
# `python tools/train.py configs/cifar100/vanilla_wrn40-2_1xb128_cifar100.py`.
_base_ = ['./switokd_wrn40-2_wrn16-2_1xb128_cifar100.py']

model = dict(
    type='OfflineKD',
    teacher_ckpt='work_dirs/vanilla_wrn40-2_1xb128_cifar100/epoch_299.pth',
    alpha=0.5,
    tau=2.0)
optim_wrapper = dict(teacher=None)  # the teacher is frozen
