# The three CIFAR-100 networks of the paper's Table 7, with the roles of
# 1T2S (configs change them).


def _classifier(backbone, channels):
    return dict(
        type='ImageClassifier',
        backbone=backbone,
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=100, in_channels=channels))


networks = dict(
    wrn16_10=dict(
        role='teacher',
        model=_classifier(
            dict(type='WideResNet', depth=16, widen_factor=10), 640)),
    wrn16_2=dict(
        role='student',
        model=_classifier(
            dict(type='WideResNet', depth=16, widen_factor=2), 128)),
    mobilenet=dict(
        role='student', model=_classifier(dict(type='MobileNetV1Cifar'),
                                          1024)))
