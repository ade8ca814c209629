# Paper Table 6, DML (student 0.5x MobileNetV2 64.22, teacher ResNet-18 68.30):
# baseline of `switokd_r18_mbv2-0.5x_8xb64_in1k.py` (same networks, data and
# recipe).
_base_ = ['./switokd_r18_mbv2-0.5x_8xb64_in1k.py']

model = dict(type='DML')
