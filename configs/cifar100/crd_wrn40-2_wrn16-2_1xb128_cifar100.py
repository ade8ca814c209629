# Paper Table 5, CRD column (student 75.01): the student of
# `kd_wrn40-2_wrn16-2_1xb128_cifar100.py` (same recipe) learns from the
# frozen WRN-40-2 with CE + 0.8 * CRD loss between the pooled features (128
# each, embedded into 128 dimensions, 16384 negatives per sample from a
# memory of the 50000 training images, temperature 0.07, momentum 0.5): the
# settings of RepDistiller's CRD runs (the CRD authors' code; its number for
# this pair: 75.48); no logit KD term. Negatives are drawn per sample from
# the whole memory (RepDistiller's `relax` mode; its default `exact` mode
# draws them from the other classes).
# Train the teacher first:
#   python tools/train.py configs/cifar100/vanilla_wrn40-2_1xb128_cifar100.py
_base_ = ['./kd_wrn40-2_wrn16-2_1xb128_cifar100.py']

model = dict(
    alpha=1.0,
    distill_terms=[
        dict(
            source='teacher.neck',
            target='student.neck',
            loss=dict(
                type='CRDLoss',
                student_channels=128,
                teacher_channels=128,
                num_samples=50000,
                embed_dim=128,
                num_negatives=16384,
                temperature=0.07,
                momentum=0.5,
                loss_weight=0.8),
            name='crd')
    ])
