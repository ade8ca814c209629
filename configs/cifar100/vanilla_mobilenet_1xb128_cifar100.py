# Paper Table 7, vanilla MobileNet: 58.65 (S).
# Recipe: this network's optimizer and the schedule of the released Table 7
# scripts (SwitOKD_code/multi-net results (table 7)/{1T2S,2T1S}/.../main.py);
# no vanilla script released.
_base_ = [
    '../_base_/models/cifar100_classifiers.py',
    '../_base_/datasets/cifar100_bs128.py',
    '../_base_/schedules/switokd_cifar100-3net_bs128.py',
    '../_base_/vanilla_runtime.py',
]

model = {{_base_.mobilenet}}
optim_wrapper = dict(_delete_=True, optimizer={{_base_._mobilenet_optimizer}})
val_evaluator = dict(_delete_=True, type='Accuracy', topk=(1, ))
test_evaluator = val_evaluator
