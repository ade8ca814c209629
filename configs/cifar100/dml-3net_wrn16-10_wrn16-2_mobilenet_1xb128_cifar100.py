# Paper Table 7, DML with three networks: everyone learns from everyone,
# never paused (paper: MobileNet 63.75, WRN-16-2 74.30, WRN-16-10 77.82).
_base_ = ['./switokd-1t2s_wrn16-10_wrn16-2_mobilenet_1xb128_cifar100.py']

model = dict(threshold=dict(type='NeverSwitch'))
