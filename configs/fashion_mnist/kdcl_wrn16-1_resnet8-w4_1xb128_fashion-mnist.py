# KDCL (MinLogit ensemble, tau = 2 as in the KDCL paper) row of the
# Fashion-MNIST accuracy benchmark.
_base_ = ['./switokd_wrn16-1_resnet8-w4_1xb128_fashion-mnist.py']

model = dict(type='KDCL')
