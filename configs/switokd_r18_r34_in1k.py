# SwitOKD, teacher ResNet-34 (21.8M) -> student ResNet-18 (11.7M) on
# ImageNet-1k (paper Table 6: student 71.75, teacher 73.65 top-1) on 8 GPUs
# x 64 images. Data: ILSVRC2012 under data/imagenet as mmpretrain expects.
# Recipe: released ImageNet script
# (SwitOKD_code/ImageNet/ResNet18_34/main.py), this pair's.
#   tools/dist_train.sh configs/switokd_r18_r34_in1k.py 8
# Baselines of this pair: configs/imagenet/.
_base_ = [
    './_base_/models/in1k_classifiers.py',
    './_base_/datasets/imagenet_bs64.py',
    './_base_/schedules/switokd_imagenet_bs512.py',
    './_base_/switokd_runtime.py',
]

model = dict(
    type='SwitOKD',
    student={{_base_.resnet18}},
    teacher={{_base_.resnet34}},
    # defaults: alpha = beta = tau = 1, the adaptive threshold (Eq. 13)
    eval_teacher=True)

val_evaluator = dict(
    _delete_=True,
    type='PerNetworkMetric',
    metric=dict(type='Accuracy', topk=(1, 5)))
test_evaluator = val_evaluator

default_hooks = dict(logger=dict(type='LoggerHook', interval=100))
