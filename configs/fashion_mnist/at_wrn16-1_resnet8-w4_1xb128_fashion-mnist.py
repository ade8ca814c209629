# Attention-transfer row of the accuracy study: CE + 1000 * AT loss at each
# of the three stages (28 x 28, 14 x 14, 7 x 7; the channel counts may
# differ), from the frozen teacher. Stages and weight (beta = 1000) of the
# AT runs of RepDistiller (the CRD authors' benchmark, which the paper's
# Table 5 columns follow); no logit KD term.
_base_ = ['./kd_wrn16-1_resnet8-w4_1xb128_fashion-mnist.py']

model = dict(
    alpha=1.0,
    distill_terms=[
        dict(
            source=f'teacher.backbone.stages.{stage}',
            target=f'student.backbone.layer{stage + 1}',
            loss=dict(type='ATLoss', loss_weight=1000.0),
            name=f'at{stage + 1}') for stage in range(3)
    ])
