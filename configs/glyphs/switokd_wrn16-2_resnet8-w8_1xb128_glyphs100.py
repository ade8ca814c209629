# SwitOKD on Glyphs-100 (configs/glyphs/README.md): teacher WRN-16-2 (0.70M)
# and student ResNet-8-w8 (23K), SGD at lr 0.1 for each, cosine over 4
# epochs of the 50k training images (_base_/schedules/
# switokd_glyphs100_bs128.py); accuracy on the 10k test images, whose font
# families training never sees. Teacher loss of Eq. 6 (the paper's
# method). The DML, Eq. 5 and vanilla configs of this folder share its data,
# schedule and networks.
# Measured: the dataset, each network's speed and the vanilla student's
# first epoch (README). Not measured: any 4-epoch result of this folder.
_base_ = [
    '../_base_/models/wrn16-2_resnet8-w8_glyphs100.py',
    '../_base_/datasets/glyphs100_bs128.py',
    '../_base_/schedules/switokd_glyphs100_bs128.py',
    '../_base_/switokd_runtime.py',
]

model = dict(
    type='SwitOKD',
    student={{_base_.student}},
    teacher={{_base_.teacher}},
    eval_teacher=True)

default_hooks = dict(logger=dict(type='LoggerHook', interval=50))
randomness = dict(seed=0)
