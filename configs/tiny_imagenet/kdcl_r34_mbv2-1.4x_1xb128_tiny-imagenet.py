# Paper Table 4, KDCL (MinLogit) row (student 57.79 +- 0.30, teacher 65.47 +-
# 0.32): baseline of `switokd_r34_mbv2-1.4x_1xb128_tiny-imagenet.py`, tau = 3
# (paper Sec. 3.1: tau = {2, 3} for KD [7] and KDCL [5]).
_base_ = ['./switokd_r34_mbv2-1.4x_1xb128_tiny-imagenet.py']

model = dict(type='KDCL', tau=3.0)
