# Paper Table 4, vanilla teacher: WRN-16-2 alone (72.90 +- 0.09).
_base_ = ['./vanilla_mbv2-0.5x_1xb128_cifar100.py']

model = dict(
    backbone=dict(_delete_=True, type='WideResNet', depth=16, widen_factor=2),
    head=dict(in_channels=128))
