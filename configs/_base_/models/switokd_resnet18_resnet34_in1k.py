# Teacher ResNet-34 -> student ResNet-18, ImageNet-1k (paper Table 6), both
# mmpretrain's own ImageNet ResNets (its _base_/models/resnet18.py, 34.py).
model = dict(
    type='SwitOKD',
    student=dict(
        type='ImageClassifier',
        backbone=dict(type='ResNet', depth=18, out_indices=(3, )),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(
            type='LinearClsHead',
            num_classes=1000,
            in_channels=512,
            topk=(1, 5))),
    teacher=dict(
        type='ImageClassifier',
        backbone=dict(type='ResNet', depth=34, out_indices=(3, )),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(
            type='LinearClsHead',
            num_classes=1000,
            in_channels=512,
            topk=(1, 5))),
    # defaults: alpha = beta = tau = 1, the adaptive threshold (Eq. 13)
    eval_teacher=True)
