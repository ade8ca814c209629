# SwitOKD with the teacher's learning-mode loss of the paper's Eq. 5 (labels
# only, ablation C) instead of Eq. 6: the variant whose adaptive threshold
# pauses this Fashion-MNIST teacher (with Eq. 6 the teacher also learns from
# the weak 10-class student and stays within delta of it; README, "Why the
# demo switches").
_base_ = ['./switokd_wrn16-1_resnet8-w4_1xb128_fashion-mnist.py']

model = dict(teacher_loss='ce')
