# Paper Table 4, vanilla student: 0.5x MobileNetV2 alone (60.07 +- 0.40),
# same data and schedule as the SwitOKD row.
_base_ = [
    '../_base_/models/cifar100_classifiers.py',
    'mmpretrain::_base_/datasets/cifar100_bs16.py',
    '../_base_/schedules/switokd_cifar_bs128.py',
    '../_base_/vanilla_runtime.py',
]

model = {{_base_.mbv2_0_5x}}

train_dataloader = dict(batch_size=128)
val_dataloader = dict(batch_size=128)
test_dataloader = val_dataloader
optim_wrapper = dict(
    _delete_=True,
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-4))
