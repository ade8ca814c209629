# FitNet row of the accuracy study: CE + 100 * hint loss between the
# student's second stage (8 x 14 x 14), through a 1x1 convolution + BN that
# the student owns, and the frozen teacher's second stage (32 x 14 x 14).
# Stage and weight (beta = 100) of the FitNet runs of RepDistiller (the CRD
# authors' benchmark, which the paper's Table 5 columns follow): no logit
# KD term (alpha = 1 keeps only the cross-entropy).
_base_ = ['./kd_wrn16-1_resnet8-w4_1xb128_fashion-mnist.py']

model = dict(
    alpha=1.0,
    distill_terms=[
        dict(
            source='teacher.backbone.stages.1',
            target='student.backbone.layer2',
            loss=dict(type='FitNetLoss', loss_weight=100.0),
            connector=dict(
                type='ConvConnector', in_channels=8, out_channels=32),
            name='fitnet')
    ])
