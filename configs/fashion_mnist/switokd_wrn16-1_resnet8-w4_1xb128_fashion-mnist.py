# SwitOKD on Fashion-MNIST, the pair of the demo (teacher WRN-16-1, 0.17M ->
# student ResNet-8-w4, 5K) over the whole training set: the SwitOKD row of
# the accuracy study (tools/benchmarks/accuracy_table.py; teacher loss of
# Eq. 6, the paper's method). The DML, KDCL
# and vanilla rows share its data, schedule and networks.
_base_ = [
    '../_base_/models/wrn16-1_resnet8-w4_fashion-mnist.py',
    '../_base_/datasets/fashion_mnist_bs128.py',
    '../_base_/schedules/switokd_fashion-mnist_bs128.py',
    '../_base_/switokd_runtime.py',
]

model = dict(
    type='SwitOKD',
    student={{_base_.student}},
    teacher={{_base_.teacher}},
    eval_teacher=True)

default_hooks = dict(logger=dict(type='LoggerHook', interval=50))
randomness = dict(seed=0)
