# Vanilla row of the Fashion-MNIST accuracy benchmark: the student of the
# SwitOKD config trained alone with cross-entropy, same data and schedule.
_base_ = [
    '../_base_/models/wrn16-1_resnet8-w4_fashion-mnist.py',
    '../_base_/datasets/fashion_mnist_bs128.py',
    '../_base_/schedules/switokd_fashion-mnist_bs128.py',
    '../_base_/vanilla_runtime.py',
]

model = {{_base_.student}}
optim_wrapper = dict(_delete_=True, optimizer={{_base_.student_sgd}})
val_evaluator = dict(_delete_=True, type='Accuracy', topk=(1, ))
test_evaluator = val_evaluator

default_hooks = dict(logger=dict(type='LoggerHook', interval=50))
randomness = dict(seed=0)
