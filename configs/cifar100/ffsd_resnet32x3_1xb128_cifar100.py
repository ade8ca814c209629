# FFSD (Li et al., "Distilling a Powerful Student Model via Online Knowledge
# Distillation", IEEE TNNLS 2022) on CIFAR-100: a student leader and two
# students, all ResNet-32 (3 networks, batch 128 on 1 GPU); the fusion module
# and the decoders are their own learners. Only the leader is kept: python
# tools/model_converters/export_student.py CKPT OUT --networks leader.
# Released leader top-1: 74.85 (mean of the released code's README runs
# 74.92 / 74.82 / 74.82; not reproduced here). The other CIFAR-100 rows
# (ResNet-20/56, WRN-16-2/40-2) extend this config.
# Recipe: released code (SJLeo/FFSD: CIFARTrainer.py, options/options.py,
# data/cifar100.py, models/resnet_cifar.py): students and leader SGD
# (Nesterov) lr 0.1, momentum 0.9, weight decay 1e-4; fusion module the
# same with weight decay 1e-5; decoders Adam lr 1e-3 (torch's default),
# weight decay 1e-4; every lr x 0.1 at epochs 150 and 225; batch 128; 300
# epochs announced, 299 run; tau 2, lambda_div 1e-5, lambda_sd 1000,
# lambda_fus 10, each warmed up over epochs 1-5.
#
# Released quirks kept (each has its switch):
# - 299 epochs: options.py sets --n_epochs 300 but the loop runs
#   range(start_epoch=1, n_epochs), epochs 1-299. For 300 epochs:
#   --cfg-options train_cfg.max_epochs=300
# - lambda_div (not lambda_sd) weighs the students' self-distillation term
#   L_sd; the paper-like weight: --cfg-options
#   model.student_sd_weight=lambda_sd
# Its torch MultiStepLR([150, 225]) is stepped after each (1-based) epoch, so
# the lr falls from the 151st epoch on: mmengine's 0-based epoch 150. The
# decoders follow the same schedule (one list for every optimizer).
_base_ = [
    '../_base_/datasets/cifar100_bs128.py',
    '../_base_/switokd_runtime.py',
]

# The released models/resnet_cifar.py, not the SwitOKD rows' option-A
# ResNets of ../_base_/models/cifar100_classifiers.py: 1x1 convolution + BN
# shortcuts (option B), convolutions normal(0, sqrt(2 / fan-out)), BN 1 / 0,
# the linear layer left at PyTorch's initialisation (head init_cfg=None).
_resnet32 = dict(
    type='ImageClassifier',
    backbone=dict(
        type='CifarResNet',
        depth=32,
        shortcut='B',
        zero_init_residual=False,
        init_cfg=[
            dict(type='Kaiming', mode='fan_out', layer='Conv2d'),
            dict(type='Constant', val=1, bias=0, layer='_BatchNorm')
        ]),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead', num_classes=100, in_channels=64, init_cfg=None))

model = dict(
    type='FFSD',
    networks=dict(
        leader=dict(role='leader', model=_resnet32),
        student0=dict(role='student', model=_resnet32),
        student1=dict(role='student', model=_resnet32)),
    # the released extract_layers: F^1..F^3 (16, 32, 64 channels)
    stages=['backbone.layer1', 'backbone.layer2', 'backbone.layer3'],
    stage_channels=64,
    tau=2.0,
    lambda_div=1e-5,
    lambda_sd=1000.0,
    lambda_fus=10.0,
    warmup_epochs=5,
    student_sd_weight='lambda_div')

# data/cifar100.py: reflect-pad 4, flip, 32x32 crop (its flip before the
# crop draws the same distribution); its mean and std (in [0, 255] here)
data_preprocessor = dict(
    mean=[0.5071 * 255, 0.4865 * 255, 0.4409 * 255],
    std=[0.2673 * 255, 0.2564 * 255, 0.2762 * 255])
train_pipeline = [
    dict(type='RandomCrop', crop_size=32, padding=4, padding_mode='reflect'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))

_sgd = dict(
    type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4, nesterov=True)
_adam = dict(type='Adam', lr=1e-3, weight_decay=1e-4)
optim_wrapper = dict(
    constructor='PerNetworkOptimWrapperConstructor',
    leader=dict(optimizer=_sgd),
    student0=dict(optimizer=_sgd),
    student1=dict(optimizer=_sgd),
    fusion=dict(optimizer=dict(_sgd, weight_decay=1e-5)),
    decoder_student1=dict(optimizer=_adam),
    decoder_leader=dict(optimizer=_adam))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[150, 225], gamma=0.1)

# mmengine's epoch loop, able to resume in the middle of an epoch
train_cfg = dict(
    type='ResumableEpochBasedTrainLoop', max_epochs=299, val_interval=1)
val_cfg = dict()
test_cfg = dict()
# the lrs above are for a total batch of 128 (--auto-scale-lr scales them)
auto_scale_lr = dict(base_batch_size=128)

# Every network is tested each epoch, the leader first (its predictions are
# the samples' own): leader/accuracy/top1, student0/..., student1/.... The
# released code keeps the leader of the best test epoch
# (modelleader_best.pth): here the last 3 epochs' checkpoints and the best
# by the leader's accuracy.
val_evaluator = dict(networks=['leader', 'student0', 'student1'], own='leader')
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(save_best='leader/accuracy/top1'))
