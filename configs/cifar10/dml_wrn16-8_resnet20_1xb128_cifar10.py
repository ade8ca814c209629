# Paper Fig. 5, DML: baseline of `switokd_wrn16-8_resnet20_1xb128_cifar10.py`
# (same networks, data and recipe).
_base_ = ['./switokd_wrn16-8_resnet20_1xb128_cifar10.py']

model = dict(type='DML')
