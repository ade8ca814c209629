# Paper Table 6, vanilla: 0.5x MobileNetV2 alone (63.54).
# Recipe: the optimizer and schedule of the released ImageNet script
# (SwitOKD_code/ImageNet/ResNet18_34/main.py)
# (the same for both networks); no vanilla script released.
_base_ = [
    '../_base_/models/in1k_classifiers.py',
    '../_base_/datasets/imagenet_bs64.py',
    '../_base_/schedules/switokd_imagenet_bs512.py',
    '../_base_/vanilla_runtime.py',
]

model = {{_base_.mobilenet_v2_0_5x}}
optim_wrapper = dict(
    _delete_=True, optimizer={{_base_._student_optimizer}})
val_evaluator = dict(_delete_=True, type='Accuracy', topk=(1, 5))
test_evaluator = val_evaluator
