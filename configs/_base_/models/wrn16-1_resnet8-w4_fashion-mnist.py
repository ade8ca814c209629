# The Fashion-MNIST pair (grey 28x28, 10 classes): teacher WRN-16-1 (0.17M
# parameters) and student ResNet-8 with 4 base channels (5K parameters), a
# 35x gap. Used by the demo and by the accuracy benchmark.
student = dict(
    type='ImageClassifier',
    backbone=dict(type='CifarResNet', depth=8, base_channels=4, in_channels=1),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=10, in_channels=16))
teacher = dict(
    type='ImageClassifier',
    backbone=dict(type='WideResNet', depth=16, widen_factor=1, in_channels=1),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=10, in_channels=64))
