# Vanilla baseline: mbv2-0.5x trained alone with cross-entropy, same
# data and schedule as the SwitOKD rows of this folder.
_base_ = ['./vanilla_r18_8xb64_in1k.py']

model = dict(
    backbone=dict(_delete_=True, type='MobileNetV2', widen_factor=0.5),
    head=dict(in_channels=1280))
