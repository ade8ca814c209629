# Recipe: the SAKD release's CIFAR-100 configs (zju-vipa/spot-adaptive-
# pytorch, configs/cifar-100/seed-1029/*/*.yml) and train.py: batch 64, 240
# epochs; student SGD lr 0.05 (0.01 for MobileNetV2 and ShuffleNetV1
# students: the pair configs lower it), momentum 0.9, weight decay 5e-4; the
# policy (routing layer and graft adapters) SGD at half the student's lr,
# momentum 0.9, weight decay 1e-3; every lr x 0.1 at epochs 150, 180, 210
# for both. The released schedulers step after each (1-based) epoch, so the
# lr falls from the 151st epoch on: mmengine's 0-based milestones 150 / 180
# / 210 (one list for both optimizers). The teacher is frozen and has no
# optimizer. Teachers are pre-trained with the same schedule
# (configs/cifar100/vanilla_*_1xb64_cifar100.py: the student optimizer alone).
_student_optimizer = dict(
    type='SGD', lr=0.05, momentum=0.9, weight_decay=5e-4)
_policy_optimizer = dict(
    type='SGD', lr=0.025, momentum=0.9, weight_decay=1e-3)
optim_wrapper = dict(
    constructor='PerNetworkOptimWrapperConstructor',
    student=dict(optimizer=_student_optimizer),
    policy=dict(optimizer=_policy_optimizer))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[150, 180, 210], gamma=0.1)

# mmengine's epoch loop, able to resume in the middle of an epoch
train_cfg = dict(
    type='ResumableEpochBasedTrainLoop', max_epochs=240, val_interval=1)
val_cfg = dict()
test_cfg = dict()

# the lrs above are for a total batch of 64 (--auto-scale-lr scales them)
auto_scale_lr = dict(base_batch_size=64)
