# Paper Table 4, DML row (student 55.70 +- 0.61, teacher 64.49 +- 0.43):
# baseline of `switokd_r34_mbv2-1.4x_1xb128_tiny-imagenet.py` (same networks,
# data and recipe).
_base_ = ['./switokd_r34_mbv2-1.4x_1xb128_tiny-imagenet.py']

model = dict(type='DML')
