# Paper Table 4, KDCL (MinLogit) row (student 53.74 +- 0.39, teacher 57.71 +-
# 0.30): baseline of `switokd_wrn16-2_resnet20_1xb128_tiny-imagenet.py`, tau =
# 3 (paper Sec. 3.1: tau = {2, 3} for KD [7] and KDCL [5]).
_base_ = ['./switokd_wrn16-2_resnet20_1xb128_tiny-imagenet.py']

model = dict(type='KDCL', tau=3.0)
