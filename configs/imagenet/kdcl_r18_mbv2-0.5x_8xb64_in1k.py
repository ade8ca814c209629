# Paper Table 6, KDCL (MinLogit; student 0.5x MobileNetV2 63.92, teacher
# ResNet-18 70.60): baseline of `switokd_r18_mbv2-0.5x_8xb64_in1k.py`, tau = 3
# (paper Sec. 3.1: tau = {2, 3} for KD [7] and KDCL [5]).
_base_ = ['./switokd_r18_mbv2-0.5x_8xb64_in1k.py']

model = dict(type='KDCL', tau=3.0)
