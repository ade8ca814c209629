# Vanilla baseline: r18 trained alone with cross-entropy, same data and
# schedule as the SwitOKD rows of this folder.
_base_ = [
    '../_base_/models/in1k_classifiers.py',
    '../_base_/datasets/imagenet_bs64.py',
    '../_base_/schedules/switokd_imagenet_bs512.py',
    '../_base_/vanilla_runtime.py',
]

model = {{_base_.resnet18}}
optim_wrapper = dict(
    _delete_=True,
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=0.0001))
val_evaluator = dict(_delete_=True, type='Accuracy', topk=(1, 5))
test_evaluator = val_evaluator
