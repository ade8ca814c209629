# Paper Table 2, case A: without switching (= DML).
_base_ = ['./switokd_wrn16-2_resnet32_1xb128_cifar100.py']

model = dict(threshold=dict(type='NeverSwitch'))
