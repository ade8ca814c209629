# CRD row of the accuracy study: CE + 0.8 * CRD loss between the pooled
# features (student 16, teacher 64, each embedded into 128 dimensions and
# contrasted with 16384 negatives from a memory of all 60000 training
# images), from the frozen teacher. Weight, dimension, negatives,
# temperature and momentum of RepDistiller's CRD runs (the CRD authors'
# code); no logit KD term. share_negatives: one draw of negatives per batch
# instead of per sample (the per-sample draw gathers 128 x 16385 x 128
# floats per side and step, about 1 GB, which a 2-core CPU run cannot
# afford); set it False for the released per-sample draw.
_base_ = ['./kd_wrn16-1_resnet8-w4_1xb128_fashion-mnist.py']

model = dict(
    alpha=1.0,
    distill_terms=[
        dict(
            source='teacher.neck',
            target='student.neck',
            loss=dict(
                type='CRDLoss',
                student_channels=16,
                teacher_channels=64,
                num_samples=60000,
                embed_dim=128,
                num_negatives=16384,
                temperature=0.07,
                momentum=0.5,
                share_negatives=True,
                loss_weight=0.8),
            name='crd')
    ])
