# Paper Table 6, DML (student ResNet-18 70.81, teacher ResNet-34 73.47):
# baseline of `switokd_r18_r34_in1k.py` (same networks, data and recipe).
_base_ = ['../switokd_r18_r34_in1k.py']

model = dict(type='DML')
