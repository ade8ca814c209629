# SwitOKD, teacher ResNet-34 -> student ResNet-18 on ImageNet-1k, the
# paper's recipe (Table 6: student 70.24 / teacher 73.65 top-1) on 8 GPUs x
# 64 images. Data: ILSVRC2012 under data/imagenet as mmpretrain expects.
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
