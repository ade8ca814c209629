# Paper Table 2, case B: fixed delta 0.6.
_base_ = ['./switokd_wrn16-2_resnet32_1xb128_cifar100.py']

model = dict(threshold=dict(type='FixedThreshold', delta=0.6))
