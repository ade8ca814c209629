# DML on Glyphs-100: the SwitOKD config with the teacher never paused. Not
# measured (README).
_base_ = ['./switokd_wrn16-2_resnet8-w8_1xb128_glyphs100.py']

model = dict(type='DML')
