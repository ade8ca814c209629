# Paper recipe for CIFAR (Sec. 3.1): batch 128, initial lr 0.01 divided by
# 10 at epochs 140, 200 and 250 of 300. The optimizer is the authors'
# released two-network scripts' SGD (momentum 0.9, weight decay 5e-4); the
# paper's text names Adam with weight decay 1e-4, e.g.
#   --cfg-options optim_wrapper.student.optimizer.type=Adam ...
_sgd = dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-4)
optim_wrapper = dict(
    constructor='SwitOKDOptimWrapperConstructor',
    student=dict(optimizer=_sgd),
    teacher=dict(optimizer=_sgd))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[140, 200, 250], gamma=0.1)

# mmengine's epoch loop, able to resume in the middle of an epoch
train_cfg = dict(
    type='ResumableEpochBasedTrainLoop',
    max_epochs=300,
    val_interval=1)
val_cfg = dict()
test_cfg = dict()

auto_scale_lr = dict(base_batch_size=128)
