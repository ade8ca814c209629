# Vanilla baseline: wrn16-1 trained alone with cross-entropy, same data and
# schedule as the SwitOKD rows of this folder.
_base_ = [
    '../_base_/datasets/cifar10_bs128.py',
    '../_base_/schedules/switokd_cifar_bs128.py',
    '../_base_/vanilla_runtime.py',
]

model = dict(
    type='ImageClassifier',
    backbone=dict(type='WideResNet', depth=16, widen_factor=1),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=10, in_channels=64))
optim_wrapper = dict(
    _delete_=True,
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=0.0005))
val_evaluator = dict(_delete_=True, type='Accuracy', topk=(1, ))
test_evaluator = val_evaluator
