# Paper recipe for ImageNet (Sec. 3.1): SGD, lr 0.1 for a total batch of
# 512, momentum 0.9, weight decay 1e-4, lr / 10 every 30 of 120 epochs.
# Each network gets its own optimizer; the schedule applies to both.
_sgd = dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4)
optim_wrapper = dict(
    constructor='SwitOKDOptimWrapperConstructor',
    student=dict(optimizer=_sgd),
    teacher=dict(optimizer=_sgd))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[30, 60, 90], gamma=0.1)

# mmengine's epoch loop, able to resume in the middle of an epoch
train_cfg = dict(
    type='ResumableEpochBasedTrainLoop',
    max_epochs=120,
    val_interval=1)
val_cfg = dict()
test_cfg = dict()

# `--auto-scale-lr` rescales both networks' lr for other total batch sizes.
auto_scale_lr = dict(base_batch_size=512)
