# SwitOKD with a fixed threshold delta = 0.2 (the paper's ablation B) on the
# Fashion-MNIST benchmark pair: the adaptive threshold rarely pauses this
# 10-class teacher, a fixed one pauses it in about half of the iterations,
# which shows what pausing does to both networks.
_base_ = ['./switokd_wrn16-1_resnet8-w4_1xb128_fashion-mnist.py']

model = dict(threshold=dict(type='FixedThreshold', delta=0.2))
