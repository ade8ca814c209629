# The paper's CIFAR networks, each defined once as the authors released it
# (100 classes: CIFAR-100, Tables 2-5 and 7). cifar10_classifiers.py and
# tiny_imagenet_classifiers.py change the classes. Configs use them as
# {{_base_.wrn16_2}}, ... Initialisations follow the released model files;
# `python tools/analysis/config_params.py CONFIG` prints params and MACs.


def _classifier(backbone, channels):
    return dict(
        type='ImageClassifier',
        backbone=backbone,
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=100, in_channels=channels))


# released wrnet*.py (every WRN-16-k): stride on the second conv, biases,
# xavier-uniform (gain sqrt 2) convolutions; its dropout 0.3 is never called
def _wrn16(k):
    return _classifier(
        dict(
            type='WideResNet',
            depth=16,
            widen_factor=k,
            variant='wide-resnet.pytorch',
            init_cfg=[
                dict(
                    type='Xavier',
                    gain=2**0.5,
                    distribution='uniform',
                    bias=0,
                    layer='Conv2d'),
                dict(type='Constant', val=1, bias=0, layer='BatchNorm2d')
            ]), 64 * k)


# released resnet20.py: zero-padding shortcuts (option A), kaiming-normal
# (fan-in) convolutions, no zero-initialised residual BN
def _resnet(depth):
    return _classifier(
        dict(
            type='CifarResNet',
            depth=depth,
            shortcut='A',
            zero_init_residual=False,
            init_cfg=[
                dict(type='Kaiming', mode='fan_in', layer='Conv2d'),
                dict(type='Constant', val=1, layer='_BatchNorm')
            ]), 64)


wrn16_1 = _wrn16(1)
wrn16_2 = _wrn16(2)
wrn16_4 = _wrn16(4)
wrn16_8 = _wrn16(8)
wrn16_10 = _wrn16(10)
resnet20 = _resnet(20)
resnet32 = _resnet(32)
# released wrn-40-2.py (Table 5 teacher): the WRN paper's block, convolutions
# normal(0, sqrt(2 / fan-out))
wrn40_2 = _classifier(
    dict(
        type='WideResNet',
        depth=40,
        widen_factor=2,
        init_cfg=[
            dict(type='Kaiming', mode='fan_out', layer='Conv2d'),
            dict(type='Constant', val=1, bias=0, layer='BatchNorm2d')
        ]), 128)
# released mobilenetv2.py, mobile_half (its init is MobileNetV2Cifar's)
mbv2_0_5x = _classifier(
    dict(type='MobileNetV2Cifar', widen_factor=0.5), 1280)
# released mobilenet.py (Table 7): MobileNet v1 with a stride-1 stem
mobilenet = _classifier(dict(type='MobileNetV1Cifar'), 1024)
