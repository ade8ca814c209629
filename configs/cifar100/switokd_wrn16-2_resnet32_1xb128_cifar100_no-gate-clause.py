# Ablation (not in the paper): pause on G > delta alone, without the
# released code's extra dt < ds condition.
_base_ = ['./switokd_wrn16-2_resnet32_1xb128_cifar100.py']

model = dict(require_teacher_ahead=False)
