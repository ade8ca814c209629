# SAKD (spot-adaptive KD, Song et al., IEEE TIP 2022; model SpotAdaptiveKD)
# with attention transfer on CIFAR-100: frozen teacher resnet110 -> student
# resnet32, the same-family pair of the release
# (zju-vipa/spot-adaptive-pytorch,
# configs/cifar-100/seed-1029/at/resnet110-resnet32.yml).
# K = 4 spots: the three stage outputs f1-f3 (ATLoss, beta = other_kd = 1000)
# and the logits (KD, alpha = kd_weight = 1, T = 4); gamma = classify_weight =
# 2; Gumbel temperature 5; homo: the policy starts distilling every sample at
# every spot.
# Recipe: the released code's (configs/cifar-100/seed-1029/*, train.py;
# ../_base_/schedules/sakd_cifar100_bs64.py): batch 64, 240 epochs, student SGD
# lr 0.05, momentum 0.9, weight decay 5e-4; policy SGD lr 0.025, momentum 0.9,
# weight decay 1e-3; both lr x 0.1 at epochs 150, 180, 210;
# ../_base_/datasets/cifar100_bs64.py.
# No number: the paper's tables were not available here and no SAKD CIFAR-100
# run was made here (see configs/cifar100/README.md).
# Train the teacher first (its last checkpoint is teacher_ckpt):
#   python tools/train.py configs/cifar100/vanilla_resnet110_1xb64_cifar100.py
_base_ = ['../_base_/sakd-at_cifar100_bs64.py']

model = dict(
    student={{_base_.resnet32}},
    teacher={{_base_.resnet110}},
    teacher_ckpt='work_dirs/vanilla_resnet110_1xb64_cifar100/epoch_240.pth')
