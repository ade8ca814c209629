# DML row of the Fashion-MNIST accuracy benchmark: the SwitOKD config with
# the teacher never paused.
_base_ = ['./switokd_wrn16-1_resnet8-w4_1xb128_fashion-mnist.py']

model = dict(type='DML')
