# Glyphs-100 schedule, in the style of the Fashion-MNIST study's
# (switokd_fashion-mnist_bs128.py: one SGD per network, momentum 0.9, weight
# decay 5e-4, cosine decay over 4 epochs, batch 128) but with the student's
# learning rate at the teacher's, 0.1: at the study's 0.01 the ResNet-8-w8
# student barely starts on 100 classes (measured, first epoch alone: 2.43%
# test top-1 at 0.01; 62.29% and 49.76% at 0.1, two runs whose batches
# differed; configs/glyphs/README.md). 4 epochs of the 50k training images;
# results of the whole schedule not measured.
student_sgd = dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4)
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
