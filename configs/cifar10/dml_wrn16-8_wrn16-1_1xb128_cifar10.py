# Paper Table 4, DML row (student 91.96 +- 0.08, teacher 95.06 +- 0.05):
# DML baseline of `switokd_wrn16-8_wrn16-1_1xb128_cifar10.py` (same
# networks, data and recipe).
_base_ = ['./switokd_wrn16-8_wrn16-1_1xb128_cifar10.py']

model = dict(type='DML')
