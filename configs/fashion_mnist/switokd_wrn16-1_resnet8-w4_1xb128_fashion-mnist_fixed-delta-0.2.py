# SwitOKD with a fixed threshold delta = 0.2 (the paper's ablation B) on the
# Fashion-MNIST pair, in place of the adaptive threshold of Eq. 13: the
# teacher is paused whenever G > 0.2, whatever the student's confidence.
_base_ = ['./switokd_wrn16-1_resnet8-w4_1xb128_fashion-mnist.py']

model = dict(threshold=dict(type='FixedThreshold', delta=0.2))
