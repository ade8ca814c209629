# Vanilla baseline: wrn40-2 trained alone with cross-entropy, same
# data and schedule as the SwitOKD rows of this folder.
_base_ = ['./vanilla_mbv2-0.5x_1xb128_cifar100.py']

model = dict(
    backbone=dict(_delete_=True, type='WideResNet', depth=40, widen_factor=2),
    head=dict(in_channels=128))
