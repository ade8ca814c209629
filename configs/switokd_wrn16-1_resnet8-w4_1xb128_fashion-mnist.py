# The demo: SwitOKD on real offline data, a few minutes on 2 CPU cores.
# Teacher WRN-16-1 (0.17M parameters) -> student ResNet-8 with 4 base
# channels (5K parameters): a large gap, so the teacher does pause.
_base_ = [
    './_base_/models/wrn16-1_resnet8-w4_fashion-mnist.py',
    './_base_/datasets/fashion_mnist_bs128.py',
    './_base_/switokd_runtime.py',
]

model = dict(
    type='SwitOKD',
    student={{_base_.student}},
    teacher={{_base_.teacher}},
    # defaults: alpha = beta = tau = 1, the adaptive threshold (Eq. 13)
    eval_teacher=True)

# A 20k-image subset of the training set keeps the demo short.
train_dataloader = dict(dataset=dict(indices=20000))

_sgd = dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=5e-4)
optim_wrapper = dict(
    constructor='SwitOKDOptimWrapperConstructor',
    student=dict(optimizer=_sgd),
    teacher=dict(optimizer=_sgd))
param_scheduler = dict(type='CosineAnnealingLR', by_epoch=True, T_max=3)
# the lrs above are for a total batch of 128 (--auto-scale-lr scales them)
auto_scale_lr = dict(base_batch_size=128)

# mmengine's epoch loop, able to resume in the middle of an epoch
train_cfg = dict(
    type='ResumableEpochBasedTrainLoop',
    max_epochs=3,
    val_interval=1)
val_cfg = dict()
test_cfg = dict()

default_hooks = dict(logger=dict(type='LoggerHook', interval=20))
randomness = dict(seed=0)
