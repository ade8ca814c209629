# Paper Table 3: SwitOKD at temperature tau = 5 (distillation and gap).
_base_ = ['./switokd_wrn16-2_mbv2-0.5x_1xb128_cifar100.py']

model = dict(tau=5, gap_tau=5)
