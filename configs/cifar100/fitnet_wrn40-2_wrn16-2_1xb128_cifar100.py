# Paper Table 5, FitNet column (student 73.44): the student of
# `kd_wrn40-2_wrn16-2_1xb128_cifar100.py` (same recipe: the released
# CIFAR-100 script's student optimizer and schedule) learns from the frozen
# WRN-40-2 with CE + 100 * hint loss between the second stages (64 x 16 x
# 16 each), through a 1x1 convolution + BN the student owns. Stage and
# weight (beta = 100) of RepDistiller's FitNet runs (the CRD authors'
# benchmark code; its number for this pair: 73.58); no logit KD term.
# Train the teacher first:
#   python tools/train.py configs/cifar100/vanilla_wrn40-2_1xb128_cifar100.py
_base_ = ['./kd_wrn40-2_wrn16-2_1xb128_cifar100.py']

model = dict(
    alpha=1.0,
    distill_terms=[
        dict(
            source='teacher.backbone.stages.1',
            target='student.backbone.stages.1',
            loss=dict(type='FitNetLoss', loss_weight=100.0),
            connector=dict(
                type='ConvConnector', in_channels=64, out_channels=64),
            name='fitnet')
    ])
