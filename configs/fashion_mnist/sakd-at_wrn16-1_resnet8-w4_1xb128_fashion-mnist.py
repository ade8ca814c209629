# Spot-adaptive KD with attention transfer (SAKD, Song et al., TIP 2022) on
# Fashion-MNIST: the accuracy study's student (ResNet-8-w4) and its frozen
# WRN-16-1 teacher, trained alone first with the same seed:
#   python tools/train.py configs/fashion_mnist/vanilla_wrn16-1_1xb128_fashion-mnist.py
# (the study passes each seed's own teacher as model.teacher_ckpt).
# K = 4 spots: the three stage outputs (AT, beta = 1000) and the logits
# (KD, alpha = 1, T = 4); gamma = 2, Gumbel temperature 5, same-family
# start (homo): the released AT settings (zju-vipa/spot-adaptive-pytorch,
# configs/cifar-100/seed-1029/at/*.yml). Student SGD of the study's
# schedule; the policy's SGD at half the student's learning rate, momentum
# 0.9, weight decay 1e-3, as released.
_base_ = ['./kd_wrn16-1_resnet8-w4_1xb128_fashion-mnist.py']

model = dict(
    _delete_=True,
    type='SpotAdaptiveKD',
    student={{_base_.student}},
    teacher={{_base_.teacher}},
    teacher_ckpt='work_dirs/vanilla_wrn16-1_1xb128_fashion-mnist/epoch_4.pth',
    spots={
        f'f{stage}': dict(loss=dict(type='ATLoss', loss_weight=1000.0))
        for stage in (1, 2, 3)
    },
    alpha=1.0,
    tau=4.0,
    gamma=2.0,
    homo=True,
    input_shape=(1, 28, 28),
    eval_teacher=True)
optim_wrapper = dict(
    policy=dict(
        optimizer=dict(
            type='SGD',
            lr=0.005,  # the student's 0.01 / 2
            momentum=0.9,
            weight_decay=1e-3)))
