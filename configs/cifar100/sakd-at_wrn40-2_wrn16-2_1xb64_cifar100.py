# SAKD (spot-adaptive KD, Song et al., IEEE TIP 2022; model SpotAdaptiveKD)
# with attention transfer on CIFAR-100: frozen teacher wrn40-2 -> student
# wrn16-2, the same-family pair of the release
# (zju-vipa/spot-adaptive-pytorch,
# configs/cifar-100/seed-1029/at/wrn_40_2-wrn_16_2.yml).
# K = 4 spots: the three stage outputs f1-f3 (ATLoss, beta = other_kd = 1000)
# and the logits (KD, alpha = kd_weight = 1, T = 4); gamma = classify_weight =
# 2; Gumbel temperature 5; homo: the policy starts distilling every sample at
# every spot.
# Recipe: the released code's (configs/cifar-100/seed-1029/*, train.py;
# ../_base_/schedules/sakd_cifar100_bs64.py): batch 64, 240 epochs, student SGD
# lr 0.05, momentum 0.9, weight decay 5e-4; policy SGD lr 0.025, momentum 0.9,
# weight decay 1e-3; both lr x 0.1 at epochs 150, 180, 210;
# ../_base_/datasets/cifar100_bs64.py.
# Spot f3 here is the WRN's last stage output after the network's final
# BN-ReLU (WideResNet closes its last stage with it, and the stage splitter
# cuts after it); the released f3 is the last block's output before that
# BN-ReLU, which the release runs in the pooled segment. So AT at f3 and the
# graft cut at f3 see the normalised, rectified map here; f1, f2, the pooled
# vector and the logits are as released.
# No number: the paper's tables were not available here and no SAKD CIFAR-100
# run was made here (see configs/cifar100/README.md).
# Train the teacher first (its last checkpoint is teacher_ckpt):
#   python tools/train.py configs/cifar100/vanilla_wrn40-2_1xb64_cifar100.py
_base_ = ['../_base_/sakd-at_cifar100_bs64.py']

model = dict(
    student={{_base_.wrn16_2}},
    teacher={{_base_.wrn40_2}},
    teacher_ckpt='work_dirs/vanilla_wrn40-2_1xb64_cifar100/epoch_240.pth')
