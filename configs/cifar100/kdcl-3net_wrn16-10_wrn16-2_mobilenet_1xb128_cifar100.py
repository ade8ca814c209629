# Paper Table 7, KDCL with three networks (MinLogit ensemble of all three,
# tau = 3 as in paper Sec. 3.1; paper: MobileNet 62.13, WRN-16-2 73.94,
# WRN-16-10 80.71). Same networks and recipe as the 1T2S row.
_base_ = ['./switokd-1t2s_wrn16-10_wrn16-2_mobilenet_1xb128_cifar100.py']

model = dict(
    _delete_=True,
    type='MultiKDCL',
    networks={{_base_.networks}},
    tau=3.0,
    eval_networks=['mobilenet', 'wrn16_2', 'wrn16_10'])
