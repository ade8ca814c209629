# Paper Table 5, vanilla teacher: WRN-40-2 alone (76.17); the KD row's frozen
# teacher.
# Recipe: the teacher's optimizer and the schedule of the released CIFAR-100
# script (SwitOKD_code/CIFAR-100/WRN16-2_0.5mobilenetv2/main.py); no vanilla
# script released.
_base_ = [
    '../_base_/models/cifar100_classifiers.py',
    '../_base_/datasets/cifar100_bs128.py',
    '../_base_/schedules/switokd_cifar100_bs128.py',
    '../_base_/vanilla_runtime.py',
]

model = {{_base_.wrn40_2}}
optim_wrapper = dict(
    _delete_=True, optimizer={{_base_._teacher_optimizer}})
val_evaluator = dict(_delete_=True, type='Accuracy', topk=(1, ))
test_evaluator = val_evaluator
