# DML baseline of `switokd_r34_mbv2-1.4x_1xb128_tiny-imagenet.py` (same
# networks, data and schedule).
_base_ = ['./switokd_r34_mbv2-1.4x_1xb128_tiny-imagenet.py']

model = dict(type='DML')
