# Fashion-MNIST schedule of the accuracy study (tools/benchmarks/
# accuracy_table.py), in the regime of the authors' released CIFAR-100
# script: each network keeps its own SGD learning rate in every method
# (vanilla included), 0.1 for the teacher and 0.01 for the student, so the
# teacher runs ahead of the student as SwitOKD assumes. Momentum 0.9, weight
# decay 5e-4, cosine decay over 4 epochs of the 60k training images (the
# study's 2-hour budget on 2 CPU cores), batch 128.
student_sgd = dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-4)
teacher_sgd = dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4)
optim_wrapper = dict(
    constructor='PerNetworkOptimWrapperConstructor',
    student=dict(optimizer=student_sgd),
    teacher=dict(optimizer=teacher_sgd))
param_scheduler = dict(type='CosineAnnealingLR', by_epoch=True, T_max=4)
# the lrs above are for a total batch of 128 (--auto-scale-lr scales them)
auto_scale_lr = dict(base_batch_size=128)

# mmengine's epoch loop, able to resume in the middle of an epoch
train_cfg = dict(
    type='ResumableEpochBasedTrainLoop', max_epochs=4, val_interval=1)
val_cfg = dict()
test_cfg = dict()
