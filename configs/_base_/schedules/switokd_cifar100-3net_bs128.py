# Recipe: the authors' released Table 7 scripts (SwitOKD_code/multi-net
# results (table 7)/{1T2S,2T1S}/CIFAR_100_wrn16-10_wrn16-2_mobilenet/main.py):
# WRN-16-10 and WRN-16-2 SGD, lr 0.1, momentum 0.9, weight decay 5e-4;
# MobileNet Adam, lr 0.01, weight decay 1e-4; batch 128; every lr / 10 from
# (1-based) epochs 140, 200 and 250; 269 epochs (their loops run epochs
# 1-269). mmengine counts epochs from 0: milestones 139/199/249.
_wrn_optimizer = dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4)
_mobilenet_optimizer = dict(type='Adam', lr=0.01, weight_decay=1e-4)
optim_wrapper = dict(
    constructor='PerNetworkOptimWrapperConstructor',
    wrn16_10=dict(optimizer=_wrn_optimizer),
    wrn16_2=dict(optimizer=_wrn_optimizer),
    mobilenet=dict(optimizer=_mobilenet_optimizer))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[139, 199, 249], gamma=0.1)

# mmengine's epoch loop, able to resume in the middle of an epoch
train_cfg = dict(
    type='ResumableEpochBasedTrainLoop', max_epochs=269, val_interval=1)
val_cfg = dict()
test_cfg = dict()

auto_scale_lr = dict(base_batch_size=128)
