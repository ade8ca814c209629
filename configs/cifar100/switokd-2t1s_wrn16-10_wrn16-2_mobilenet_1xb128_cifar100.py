# Paper Table 7, 2T1S: teachers WRN-16-10 and WRN-16-2, student MobileNet
# (paper: MobileNet 65.03, WRN-16-2 71.73, WRN-16-10 77.07).
_base_ = ['./switokd-1t2s_wrn16-10_wrn16-2_mobilenet_1xb128_cifar100.py']

model = dict(networks=dict(wrn16_2=dict(role='teacher')))
