"""MobileNetV2 for 32x32 inputs: mmpretrain's network, less downsampling."""
from mmpretrain.models.backbones import MobileNetV2
from mmpretrain.registry import MODELS


@MODELS.register_module()
class MobileNetV2Cifar(MobileNetV2):
    """mmpretrain's MobileNetV2 with a stride-1 stem and a stride-1 second
    stage, so a 32x32 image leaves the last stage at 4x4 instead of 1x1.

    The layers and parameters are mmpretrain's (``widen_factor`` included):
    0.5x MobileNetV2 has 0.81M parameters with a 100-class head, as in the
    paper's Table 4. Takes every argument of mmpretrain's ``MobileNetV2``.
    """
    # expand ratio, channels, blocks, stride: stage 2 strides 1 (ImageNet: 2)
    arch_settings = [[1, 16, 1, 1], [6, 24, 2, 1], [6, 32, 3, 2],
                     [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2],
                     [6, 320, 1, 1]]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.conv1.conv.stride = (1, 1)
