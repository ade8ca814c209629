# Paper Table 5, AT column (student 73.35): the student of
# `kd_wrn40-2_wrn16-2_1xb128_cifar100.py` (same recipe) learns from the
# frozen WRN-40-2 with CE + 1000 * attention-transfer loss at each of the
# three stages (32 x 32, 16 x 16, 8 x 8). Stages and weight (beta = 1000) of
# RepDistiller's AT runs (its number for this pair: 74.08); no logit KD.
# Train the teacher first:
#   python tools/train.py configs/cifar100/vanilla_wrn40-2_1xb128_cifar100.py
_base_ = ['./kd_wrn40-2_wrn16-2_1xb128_cifar100.py']

model = dict(
    alpha=1.0,
    distill_terms=[
        dict(
            source=f'teacher.backbone.stages.{stage}',
            target=f'student.backbone.stages.{stage}',
            loss=dict(type='ATLoss', loss_weight=1000.0),
            name=f'at{stage + 1}') for stage in range(3)
    ])
