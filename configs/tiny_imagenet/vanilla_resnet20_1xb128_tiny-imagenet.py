# Vanilla baseline: resnet20 trained alone with cross-entropy, same data and
# schedule as the SwitOKD rows of this folder.
_base_ = [
    '../_base_/datasets/tiny_imagenet_bs128.py',
    '../_base_/schedules/switokd_tiny-imagenet_bs128.py',
    '../_base_/vanilla_runtime.py',
]

model = dict(
    type='ImageClassifier',
    backbone=dict(type='CifarResNet', depth=20),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead', num_classes=200, in_channels=64, topk=(1, 5)))
optim_wrapper = dict(
    _delete_=True,
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=0.0005))
val_evaluator = dict(_delete_=True, type='Accuracy', topk=(1, 5))
test_evaluator = val_evaluator
