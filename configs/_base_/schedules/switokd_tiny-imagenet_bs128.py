# Paper recipe for Tiny-ImageNet (Sec. 3.1): SGD, lr 0.01, momentum 0.9,
# weight decay 5e-4, batch 128, lr / 10 at epochs 100, 140 and 180 of 200.
_sgd = dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-4)
optim_wrapper = dict(
    constructor='SwitOKDOptimWrapperConstructor',
    student=dict(optimizer=_sgd),
    teacher=dict(optimizer=_sgd))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[100, 140, 180], gamma=0.1)

# mmengine's epoch loop, able to resume in the middle of an epoch
train_cfg = dict(
    type='ResumableEpochBasedTrainLoop',
    max_epochs=200,
    val_interval=1)
val_cfg = dict()
test_cfg = dict()

auto_scale_lr = dict(base_batch_size=128)
