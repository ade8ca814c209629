# SwitOKD on Glyphs-100, WRN-16-1 teacher, with the teacher's learning-mode
# loss of the paper's Eq. 5 (labels only, ablation C) instead of Eq. 6.
_base_ = ['./switokd_wrn16-1_resnet8-w8_1xb128_glyphs100.py']

model = dict(teacher_loss='ce')
