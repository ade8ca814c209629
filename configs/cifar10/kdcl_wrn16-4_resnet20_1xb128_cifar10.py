# Paper Fig. 5, KDCL (MinLogit): baseline of
# `switokd_wrn16-4_resnet20_1xb128_cifar10.py`, tau = 3 (paper Sec. 3.1:
# tau = {2, 3} for KD [7] and KDCL [5]).
_base_ = ['./switokd_wrn16-4_resnet20_1xb128_cifar10.py']

model = dict(type='KDCL', tau=3.0)
