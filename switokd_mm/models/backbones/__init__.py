from .cifar_resnet import CifarResNet
from .mobilenet_v1_cifar import MobileNetV1Cifar
from .mobilenet_v2_cifar import MobileNetV2Cifar
from .wide_resnet import WideResNet

__all__ = ['CifarResNet', 'MobileNetV1Cifar', 'MobileNetV2Cifar', 'WideResNet']
