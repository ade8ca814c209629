# SAKD with attention transfer on CIFAR-100, as released
# (zju-vipa/spot-adaptive-pytorch, configs/cifar-100/seed-1029/at/*.yml):
# K = 4 spots, the three stage outputs f1-f3 (ATLoss, beta = other_kd =
# 1000) and the logits (KD, alpha = kd_weight = 1, T = 4); gamma =
# classify_weight = 2; Gumbel temperature 5; homo (same-family pairs): the
# policy starts distilling every sample at every spot. The released recipe
# (schedules/sakd_cifar100_bs64.py) and data (datasets/cifar100_bs64.py).
# A pair's config sets student, teacher and teacher_ckpt.
_base_ = [
    './models/sakd_cifar100_classifiers.py',
    './datasets/cifar100_bs64.py',
    './schedules/sakd_cifar100_bs64.py',
    './switokd_runtime.py',
]

model = dict(
    type='SpotAdaptiveKD',
    spots={
        f'f{stage}': dict(loss=dict(type='ATLoss', loss_weight=1000.0))
        for stage in (1, 2, 3)
    },
    alpha=1.0,
    tau=4.0,
    gamma=2.0,
    homo=True,
    eval_teacher=True)
