# Recipe: the authors' released Tiny-ImageNet script
# (SwitOKD_code/Tiny-ImageNet/Train/SwitOKD/main.py), which the paper's text
# (Sec. 3.1) agrees with: SGD, lr 0.01, momentum 0.9, weight decay 5e-4 for
# both networks, batch 128, lr / 10 from (1-based) epochs 100, 140 and 180.
# Its loop runs epochs 1-199 (the text: 200); mmengine counts epochs from 0:
# milestones 99/139/179.
_teacher_optimizer = dict(
    type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-4)
_student_optimizer = _teacher_optimizer
optim_wrapper = dict(
    constructor='PerNetworkOptimWrapperConstructor',
    student=dict(optimizer=_student_optimizer),
    teacher=dict(optimizer=_teacher_optimizer))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[99, 139, 179], gamma=0.1)

# mmengine's epoch loop, able to resume in the middle of an epoch
train_cfg = dict(
    type='ResumableEpochBasedTrainLoop', max_epochs=199, val_interval=1)
val_cfg = dict()
test_cfg = dict()

auto_scale_lr = dict(base_batch_size=128)
