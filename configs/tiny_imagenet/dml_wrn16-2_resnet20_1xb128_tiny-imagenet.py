# DML baseline of `switokd_wrn16-2_resnet20_1xb128_tiny-imagenet.py` (same
# networks, data and schedule).
_base_ = ['./switokd_wrn16-2_resnet20_1xb128_tiny-imagenet.py']

model = dict(type='DML')
