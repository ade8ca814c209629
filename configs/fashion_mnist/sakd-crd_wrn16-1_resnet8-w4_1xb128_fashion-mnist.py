# Spot-adaptive KD with CRD on Fashion-MNIST: the AT config's pair, teacher
# and policy, with K = 2 spots: the pooled vector (f4: student 16, teacher
# 64 channels; the CRD loss of crd_wrn16-1_resnet8-w4_1xb128_fashion-mnist.py,
# beta = 0.8) and the logits; gamma = 1, as the released CRD settings. The
# adapters between the pooled vectors are linear layers.
_base_ = ['./sakd-at_wrn16-1_resnet8-w4_1xb128_fashion-mnist.py']

model = dict(
    spots=dict(
        _delete_=True,
        f4=dict(
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
                loss_weight=0.8))),
    gamma=1.0)
