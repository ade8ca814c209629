# Short schedule for Fashion-MNIST on a CPU: batch 128, 2 epochs over the 60k
# training images, SGD lr 0.05 (momentum 0.9, weight decay 5e-4) with cosine
# decay, the same for every network.
_sgd = dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=5e-4)
optim_wrapper = dict(
    constructor='PerNetworkOptimWrapperConstructor',
    student=dict(optimizer=_sgd),
    teacher=dict(optimizer=_sgd))
param_scheduler = dict(type='CosineAnnealingLR', by_epoch=True, T_max=2)
# the lrs above are for a total batch of 128 (--auto-scale-lr scales them)
auto_scale_lr = dict(base_batch_size=128)

# mmengine's epoch loop, able to resume in the middle of an epoch
train_cfg = dict(
    type='ResumableEpochBasedTrainLoop',
    max_epochs=2,
    val_interval=1)
val_cfg = dict()
test_cfg = dict()
