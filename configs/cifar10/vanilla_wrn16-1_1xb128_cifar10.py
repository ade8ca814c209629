# Paper Table 4, vanilla student: WRN-16-1 alone (91.45 +- 0.06).
# Recipe: the student's optimizer and the schedule of the released CIFAR-10
# script (SwitOKD_code/CIFAR-10/WRN-16-1_8/main.py); no vanilla script
# released.
_base_ = [
    '../_base_/models/cifar10_classifiers.py',
    '../_base_/datasets/cifar10_bs128.py',
    '../_base_/schedules/switokd_cifar10_bs128.py',
    '../_base_/vanilla_runtime.py',
]

model = {{_base_.wrn16_1}}
optim_wrapper = dict(
    _delete_=True, optimizer={{_base_._student_optimizer}})
val_evaluator = dict(_delete_=True, type='Accuracy', topk=(1, ))
test_evaluator = val_evaluator
