# Recipe: the authors' released CIFAR-10 script
# (SwitOKD_code/CIFAR-10/WRN-16-1_8/main.py): SGD, lr 0.1 for both networks,
# momentum 0.9, weight decay 5e-4, batch 128, lr / 10 from (1-based) epochs
# 100, 150 and 200, 299 epochs (its loop runs epochs 1-299). mmengine counts
# epochs from 0: milestones 99/149/199.
# The paper's text (Sec. 3.1) says Adam, lr 0.01, weight decay 1e-4, lr / 10
# at 140/200/250 of 300 epochs: see configs/cifar10/README.md.
_teacher_optimizer = dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4)
_student_optimizer = _teacher_optimizer
optim_wrapper = dict(
    constructor='PerNetworkOptimWrapperConstructor',
    student=dict(optimizer=_student_optimizer),
    teacher=dict(optimizer=_teacher_optimizer))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[99, 149, 199], gamma=0.1)

# mmengine's epoch loop, able to resume in the middle of an epoch
train_cfg = dict(
    type='ResumableEpochBasedTrainLoop', max_epochs=299, val_interval=1)
val_cfg = dict()
test_cfg = dict()

auto_scale_lr = dict(base_batch_size=128)
