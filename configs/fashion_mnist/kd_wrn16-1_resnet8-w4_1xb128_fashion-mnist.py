# Offline KD row of the accuracy study (tools/benchmarks/accuracy_table.py):
# the student of `switokd_wrn16-1_resnet8-w4_1xb128_fashion-mnist.py` learns
# from a frozen WRN-16-1 trained alone first, with the same data, schedule
# and student optimizer:
#   python tools/train.py configs/fashion_mnist/vanilla_wrn16-1_1xb128_fashion-mnist.py
# (the study passes each seed's own teacher as model.teacher_ckpt).
# Loss: 0.5 * CE + 0.5 * tau^2 * KL at tau = 2, as the KD column of the
# paper's Table 5 (configs/cifar100/kd_wrn40-2_wrn16-2_1xb128_cifar100.py).
_base_ = ['./switokd_wrn16-1_resnet8-w4_1xb128_fashion-mnist.py']

model = dict(
    type='OfflineKD',
    teacher_ckpt='work_dirs/vanilla_wrn16-1_1xb128_fashion-mnist/epoch_4.pth',
    alpha=0.5,
    tau=2.0)
optim_wrapper = dict(teacher=None)  # the teacher is frozen
