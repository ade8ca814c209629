# Vanilla baseline: resnet20 trained alone with cross-entropy, same
# data and schedule as the SwitOKD rows of this folder.
_base_ = ['./vanilla_mbv2-1.4x_1xb128_tiny-imagenet.py']

model = dict(
    backbone=dict(_delete_=True, type='CifarResNet', depth=20),
    head=dict(in_channels=64))
