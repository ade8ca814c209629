# Ablation (not in the paper): also keep the teacher's BatchNorm running
# statistics unchanged in expert mode.
_base_ = ['./switokd_wrn16-2_resnet32_1xb128_cifar100.py']

model = dict(freeze_teacher_bn_in_expert=True)
