# The Fig. 5 column of the Fashion-MNIST accuracy study: the same student
# with a 4x larger teacher, WRN-16-2 (0.69M parameters) instead of WRN-16-1.
_base_ = ['./dml_wrn16-1_resnet8-w4_1xb128_fashion-mnist.py']

model = dict(
    teacher=dict(
        backbone=dict(widen_factor=2), head=dict(in_channels=128)))
