# Paper Table 4, vanilla student: 1.4x MobileNetV2 alone (50.98 +- 0.32).
# Recipe: the optimizer and schedule of the released Tiny-ImageNet script
# (SwitOKD_code/Tiny-ImageNet/Train/SwitOKD/main.py)
# (the same for both networks); no vanilla script released.
_base_ = [
    '../_base_/models/tiny_imagenet_classifiers.py',
    '../_base_/datasets/tiny_imagenet_bs128.py',
    '../_base_/schedules/switokd_tiny-imagenet_bs128.py',
    '../_base_/vanilla_runtime.py',
]

model = {{_base_.mbv2_1_4x}}
optim_wrapper = dict(
    _delete_=True, optimizer={{_base_._student_optimizer}})
val_evaluator = dict(_delete_=True, type='Accuracy', topk=(1, 5))
test_evaluator = val_evaluator
