# Recipe: the authors' released ImageNet script
# (SwitOKD_code/ImageNet/ResNet18_34/main.py): SGD, lr 0.1 for a total batch
# of 512, momentum 0.9, weight decay 1e-4, lr / 10 at epochs 30, 60 and 90
# (0-based, as mmengine counts) of 120. The paper's text (Sec. 3.1) says
# weight decay 5e-4: add --cfg-options
# optim_wrapper.student.optimizer.weight_decay=5e-4
# optim_wrapper.teacher.optimizer.weight_decay=5e-4
_teacher_optimizer = dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4)
_student_optimizer = _teacher_optimizer
optim_wrapper = dict(
    constructor='PerNetworkOptimWrapperConstructor',
    student=dict(optimizer=_student_optimizer),
    teacher=dict(optimizer=_teacher_optimizer))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[30, 60, 90], gamma=0.1)

# mmengine's epoch loop, able to resume in the middle of an epoch
train_cfg = dict(
    type='ResumableEpochBasedTrainLoop', max_epochs=120, val_interval=1)
val_cfg = dict()
test_cfg = dict()

# `--auto-scale-lr` rescales both networks' lr for other total batch sizes.
auto_scale_lr = dict(base_batch_size=512)
