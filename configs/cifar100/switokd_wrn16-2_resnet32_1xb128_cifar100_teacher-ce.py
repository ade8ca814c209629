# Paper Table 2, case C: teacher trained on labels only (Eq. 5).
_base_ = ['./switokd_wrn16-2_resnet32_1xb128_cifar100.py']

model = dict(teacher_loss='ce')
