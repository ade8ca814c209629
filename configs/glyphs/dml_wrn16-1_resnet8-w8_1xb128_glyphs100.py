# DML on Glyphs-100, WRN-16-1 teacher: the SwitOKD config with the teacher
# never paused.
_base_ = ['./switokd_wrn16-1_resnet8-w8_1xb128_glyphs100.py']

model = dict(type='DML')
