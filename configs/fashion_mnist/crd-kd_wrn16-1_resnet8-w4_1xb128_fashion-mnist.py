# The SAKD CRD config without spot adaptation: CRD at the pooled vector
# (beta = 0.8) and KD at the logits (alpha = 1, T = 4) for every sample, no
# policy: the non-adaptive twin of
# sakd-crd_wrn16-1_resnet8-w4_1xb128_fashion-mnist.py.
_base_ = ['./sakd-crd_wrn16-1_resnet8-w4_1xb128_fashion-mnist.py']

model = dict(adaptive=False)
optim_wrapper = dict(policy=None)  # no policy
