# Factor transfer (Kim et al., NeurIPS 2018), stage 2: CE + FT loss between
# the student's last stage (16 x 7 x 7, through the translator the student
# owns) and the frozen teacher's (64 x 7 x 7, through the pre-trained
# paraphraser: a factor of 32 x 7 x 7), no logit KD term, as the authors
# train. Their beta = 500 on the mean over the N = 32 * 7 * 7 factor
# elements is loss_weight = 500 / N on the paper's per-sample norm.
# Stage 1 first (after the teacher's vanilla run):
#   python tools/train.py configs/fashion_mnist/ft-paraphraser_wrn16-1_1xb128_fashion-mnist.py
_base_ = ['./kd_wrn16-1_resnet8-w4_1xb128_fashion-mnist.py']

model = dict(
    alpha=1.0,
    distill_terms=[
        dict(
            source='teacher.backbone.stages.2',
            target='student.backbone.layer3',
            loss=dict(
                type='FTLoss',
                student_channels=16,
                teacher_channels=64,
                rate=0.5,
                paraphraser_ckpt='work_dirs/'
                'ft-paraphraser_wrn16-1_1xb128_fashion-mnist/epoch_1.pth',
                p=1,
                loss_weight=500 / 1568),
            name='ft')
    ])
