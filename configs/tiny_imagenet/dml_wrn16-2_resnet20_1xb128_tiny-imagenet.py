# Paper Table 4, DML row (student 53.98 +- 0.26, teacher 57.45 +- 0.19):
# baseline of `switokd_wrn16-2_resnet20_1xb128_tiny-imagenet.py` (same
# networks, data and recipe).
_base_ = ['./switokd_wrn16-2_resnet20_1xb128_tiny-imagenet.py']

model = dict(type='DML')
