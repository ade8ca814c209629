# The SAKD AT config without spot adaptation: every sample is distilled at
# every spot (AT at the three stage outputs, beta = 1000, and KD at the
# logits, alpha = 1, T = 4), no policy: the released train_baseline.py, the
# non-adaptive twin of sakd-at_wrn16-1_resnet8-w4_1xb128_fashion-mnist.py.
_base_ = ['./sakd-at_wrn16-1_resnet8-w4_1xb128_fashion-mnist.py']

model = dict(adaptive=False)
optim_wrapper = dict(policy=None)  # no policy
