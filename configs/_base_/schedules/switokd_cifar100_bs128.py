# Recipe: the authors' released CIFAR-100 two-network script
# (SwitOKD_code/CIFAR-100/WRN16-2_0.5mobilenetv2/main.py): SGD, momentum
# 0.9, weight decay 5e-4, teacher lr 0.1, student lr 0.01, batch 128, every
# lr / 10 from (1-based) epochs 140, 200 and 250, 299 epochs (its loop runs
# epochs 1-299). mmengine counts epochs from 0: milestones 139/199/249.
# The paper's text (Sec. 3.1) says Adam, lr 0.01, weight decay 1e-4, 300
# epochs: see the `_paper-adam` sibling configs and configs/cifar100/README.
_teacher_optimizer = dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4)
_student_optimizer = dict(
    type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-4)
optim_wrapper = dict(
    constructor='PerNetworkOptimWrapperConstructor',
    student=dict(optimizer=_student_optimizer),
    teacher=dict(optimizer=_teacher_optimizer))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[139, 199, 249], gamma=0.1)

# mmengine's epoch loop, able to resume in the middle of an epoch
train_cfg = dict(
    type='ResumableEpochBasedTrainLoop', max_epochs=299, val_interval=1)
val_cfg = dict()
test_cfg = dict()

auto_scale_lr = dict(base_batch_size=128)
