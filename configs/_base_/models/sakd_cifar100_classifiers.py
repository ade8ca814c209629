# The CIFAR-100 networks of the SAKD release (zju-vipa/spot-adaptive-pytorch,
# models/*.py, the CRD/RepDistiller code base's CIFAR models), defined once.
# Not the SwitOKD rows' networks of ./cifar100_classifiers.py: these
# ResNets have 1x1-convolution + BN shortcuts (option B), these WRNs the
# WRN paper's block for every depth, and 'MobileNetV2' is the 1.0x network.
# Configs use them as {{_base_.resnet56}}, ...
#
# Checked against the released files (a weight copy gives the same logits:
# resnet20/56/110, ResNet50, wrn_40_2, wrn_16_2, MobileNetV2); parameters
# with the 100-class head (`python tools/analysis/config_params.py CONFIG`):
#   resnet20 0.278M, resnet32 0.473M, resnet56 0.862M, resnet110 1.737M,
#   resnet8x4 1.251M (released 1.234M), resnet32x4 7.451M (released 7.434M),
#   wrn40_2 2.255M, wrn16_2 0.703M, mbv2 2.353M, resnet50 23.705M.
# resnet8x4 / resnet32x4 are not the released networks exactly: see there.

_conv_bn_init = [
    dict(type='Kaiming', mode='fan_out', layer='Conv2d'),
    dict(type='Constant', val=1, bias=0, layer='_BatchNorm')
]


def _classifier(backbone, channels, head_init=None):
    return dict(
        type='ImageClassifier',
        backbone=backbone,
        neck=dict(type='GlobalAveragePooling'),
        head=dict(
            type='LinearClsHead',
            num_classes=100,
            in_channels=channels,
            init_cfg=head_init))


# released resnet.py (resnet8 ... resnet110, resnet8x4, resnet32x4): 3x3
# stem, three stages of basic blocks, 1x1 convolution + BN shortcuts where
# a block changes shape, convolutions kaiming-normal (fan-out), BN 1 / 0,
# the linear layer at PyTorch's initialisation (head init_cfg=None)
def _resnet(depth, base_channels=16):
    return _classifier(
        dict(
            type='CifarResNet',
            depth=depth,
            base_channels=base_channels,
            shortcut='B',
            zero_init_residual=False,
            init_cfg=_conv_bn_init), 4 * base_channels)


resnet20 = _resnet(20)
resnet32 = _resnet(32)
resnet56 = _resnet(56)
resnet110 = _resnet(110)
# released resnet8x4 / resnet32x4: stages of 64, 128, 256 channels after a
# 32-channel stem, whose first block projects 32 -> 64 with a 1x1
# convolution. CifarResNet ties the stem to the first stage's width: here
# the stem has 64 channels and the first block no projection (+17K
# parameters). The stage outputs f1-f3 (64 x 32 x 32, 128 x 16 x 16,
# 256 x 8 x 8), the pooled vector (256) and the blocks after the first are
# as released.
resnet8x4 = _resnet(8, 64)
resnet32x4 = _resnet(32, 64)
# released resnetv2.py ResNet50: CIFAR stem (3x3 stride 1, no max-pool),
# bottleneck stages [3, 4, 6, 3] with the stride on the 3x3 convolution,
# 2048-d pooled vector = mmpretrain's ResNet_CIFAR-50 (its Kaiming fan-out
# convolution init), without zero-initialised residual BN; four stages
resnet50 = _classifier(
    dict(type='ResNet_CIFAR', depth=50, zero_init_residual=False), 2048)


# released wrn.py (wrn_40_2, wrn_16_2): the WRN paper's pre-activation block
# (WideResNet's default variant 'zagoruyko'), convolutions normal(0,
# sqrt(2 / fan-out)), BN 1 / 0, the linear layer's weight at PyTorch's
# initialisation (kaiming-uniform, a = sqrt(5)) and its bias 0
def _wrn(depth):
    return _classifier(
        dict(
            type='WideResNet',
            depth=depth,
            widen_factor=2,
            init_cfg=_conv_bn_init), 128,
        dict(
            type='Kaiming',
            layer='Linear',
            a=5**0.5,
            mode='fan_in',
            nonlinearity='leaky_relu',
            distribution='uniform',
            bias=0))


wrn40_2 = _wrn(40)
wrn16_2 = _wrn(16)
# released mobilenetv2.py `mobilev2` (the release's 'MobileNetV2'): width 1.0
# (RepDistiller's 'MobileNetV2' is the 0.5x `mobile_half`), stride-2 stem,
# 1280-d last convolution; convolutions normal(0, sqrt(2 / fan-out)), the
# linear layer normal(0, 0.01) (LinearClsHead's default init)
mbv2 = _classifier(
    dict(type='MobileNetV2Cifar', widen_factor=1.0), 1280,
    dict(type='Normal', layer='Linear', std=0.01))
