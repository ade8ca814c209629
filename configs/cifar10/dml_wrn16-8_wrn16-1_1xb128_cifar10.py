# DML baseline of `switokd_wrn16-8_wrn16-1_1xb128_cifar10.py` (same networks,
# data and schedule).
_base_ = ['./switokd_wrn16-8_wrn16-1_1xb128_cifar10.py']

model = dict(type='DML')
