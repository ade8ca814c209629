# The CIFAR-100 networks of the paper's Tables 2, 4, 5 and 7, defined once
# (100 classes). Configs use them as {{_base_.wrn16_2}}, ...


def _classifier(backbone, channels):
    return dict(
        type='ImageClassifier',
        backbone=backbone,
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=100, in_channels=channels))


resnet32 = _classifier(dict(type='CifarResNet', depth=32), 64)
wrn16_2 = _classifier(dict(type='WideResNet', depth=16, widen_factor=2), 128)
wrn16_10 = _classifier(
    dict(type='WideResNet', depth=16, widen_factor=10), 640)
wrn40_2 = _classifier(dict(type='WideResNet', depth=40, widen_factor=2), 128)
mbv2_0_5x = _classifier(
    dict(type='MobileNetV2Cifar', widen_factor=0.5), 1280)
mobilenet = _classifier(dict(type='MobileNetV1Cifar'), 1024)
