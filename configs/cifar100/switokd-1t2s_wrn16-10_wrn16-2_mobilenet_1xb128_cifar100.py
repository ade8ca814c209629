# Paper Table 7, 1T2S: teacher WRN-16-10, students WRN-16-2 and MobileNet
# (paper: MobileNet 64.62, WRN-16-2 75.02, WRN-16-10 77.33).
# Recipe: released Table 7 scripts (SwitOKD_code/multi-net results (table
# 7)/{1T2S,2T1S}/.../main.py): SGD lr 0.1 for the WRNs, Adam lr 0.01 for
# MobileNet.
_base_ = [
    '../_base_/datasets/cifar100_bs128.py',
    '../_base_/schedules/switokd_cifar100-3net_bs128.py',
    '../_base_/switokd_runtime.py',
    '../_base_/models/wrn16-10_wrn16-2_mobilenet_cifar100.py',
]

model = dict(
    type='MultiSwitOKD',
    networks={{_base_.networks}},
    threshold=dict(type='AdaptiveThreshold'),
    eval_networks=['mobilenet', 'wrn16_2', 'wrn16_10'])

val_evaluator = dict(
    networks=['mobilenet', 'wrn16_2', 'wrn16_10'], own='mobilenet')
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(save_best='mobilenet/accuracy/top1'))
