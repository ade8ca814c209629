# Paper Table 4, vanilla teacher: WRN-16-2 alone (56.59 +- 0.22).
# Recipe: the optimizer and schedule of the released Tiny-ImageNet script
# (SwitOKD_code/Tiny-ImageNet/Train/SwitOKD/main.py)
# (the same for both networks); no vanilla script released.
_base_ = [
    '../_base_/models/tiny_imagenet_classifiers.py',
    '../_base_/datasets/tiny_imagenet_bs128.py',
    '../_base_/schedules/switokd_tiny-imagenet_bs128.py',
    '../_base_/vanilla_runtime.py',
]

model = {{_base_.wrn16_2}}
optim_wrapper = dict(
    _delete_=True, optimizer={{_base_._teacher_optimizer}})
val_evaluator = dict(_delete_=True, type='Accuracy', topk=(1, 5))
test_evaluator = val_evaluator
