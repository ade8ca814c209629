# Spot-adaptive KD with the logits as the only spot (K = 1): per sample,
# the policy decides whether the student learns the frozen teacher's logits
# (KD, alpha = 1, T = 4); the graft network is the whole student or the
# whole teacher. Pair, teacher and policy of the AT config; gamma = 1.
_base_ = ['./sakd-at_wrn16-1_resnet8-w4_1xb128_fashion-mnist.py']

model = dict(spots=dict(_delete_=True), gamma=1.0)
