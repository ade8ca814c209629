# DML baseline of the flagship `switokd_r18_r34_in1k.py` (paper Table 6:
# student ResNet-18 70.81, teacher ResNet-34 73.47).
_base_ = ['../switokd_r18_r34_in1k.py']

model = dict(type='DML')
