# SwitOKD on Glyphs-100 with a WRN-16-1 teacher (0.18M parameters, 8x the
# ResNet-8-w8 student's 23K): the pair of the accuracy study's Glyphs rows
# (tools/benchmarks/accuracy_table.py), since one iteration of it costs a
# third of the WRN-16-2 pair's (batch 128, forward and backward, one idle
# thread: WRN-16-1 0.31 s, WRN-16-2 0.97 s, the student 0.07 s; README.md).
# Teacher loss of Eq. 6; data and schedule of the WRN-16-2 config.
_base_ = ['./switokd_wrn16-2_resnet8-w8_1xb128_glyphs100.py']

model = dict(
    teacher=dict(
        backbone=dict(widen_factor=1), head=dict(in_channels=64)))
