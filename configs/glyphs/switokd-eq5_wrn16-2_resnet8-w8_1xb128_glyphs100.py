# SwitOKD on Glyphs-100 with the teacher's learning-mode loss of the paper's
# Eq. 5 (labels only, ablation C) instead of Eq. 6, as the Fashion-MNIST
# switokd-eq5 configs. Not measured (README).
_base_ = ['./switokd_wrn16-2_resnet8-w8_1xb128_glyphs100.py']

model = dict(teacher_loss='ce')
