# Factor transfer (Kim et al., NeurIPS 2018), stage 1: pre-train the
# paraphraser of the frozen WRN-16-1 teacher of the accuracy study on the
# teacher's last stage (64 x 7 x 7, after its final BN-ReLU), rate 0.5 (a
# factor of 32 x 7 x 7). Train the teacher first (tools/train.py on
# vanilla_wrn16-1_1xb128_fashion-mnist.py, its epoch_4.pth below), then this
# config; its epoch_1.pth is FTLoss's paraphraser_ckpt in stage 2
# (offline KD with an FT term from teacher.backbone.stages.2 to
# student.backbone.layer3).
# Recipe: RepDistiller's init stage for --distill factor (MSE reconstruction,
# SGD lr 0.01, momentum 0.9, weight decay 5e-4, constant lr; its 30 init
# epochs are 1/8 of its 240-epoch student schedule), scaled to this study:
# 1/8 of its 4 epochs is half an epoch, rounded up to 1 epoch (469 steps of
# batch 128 instead of 30 x 782 of batch 64); the lr is kept at 0.01.
# Validation scores no classifier: it reports the paraphraser's mean squared
# reconstruction error on the test images (reconstruction/mse).
_base_ = [
    '../_base_/models/wrn16-1_resnet8-w4_fashion-mnist.py',
    '../_base_/datasets/fashion_mnist_bs128.py',
    '../_base_/switokd_runtime.py',
]

model = dict(
    type='ParaphraserPretraining',
    teacher={{_base_.teacher}},
    teacher_ckpt='work_dirs/vanilla_wrn16-1_1xb128_fashion-mnist/epoch_4.pth',
    paraphraser=dict(type='Paraphraser', in_channels=64, rate=0.5),
    layer='backbone.stages.2')

optim_wrapper = dict(
    constructor='PerNetworkOptimWrapperConstructor',
    paraphraser=dict(
        optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-4)))
param_scheduler = []  # constant lr, as the released init stage
# the lr above is for a total batch of 128 (--auto-scale-lr scales it)
auto_scale_lr = dict(base_batch_size=128)

train_cfg = dict(
    type='ResumableEpochBasedTrainLoop', max_epochs=1, val_interval=1)
val_cfg = dict()
test_cfg = dict()
val_evaluator = dict(_delete_=True, type='ReconstructionError')
test_evaluator = val_evaluator

default_hooks = dict(
    checkpoint=dict(save_best=None),
    logger=dict(type='LoggerHook', interval=50))
randomness = dict(seed=0)
