# Paper Table 4, KDCL (MinLogit) row (student 66.83 +- 0.05, teacher
# 73.75 +- 0.26), tau = 3 (paper Sec. 3.1: tau = {2, 3} for KD [7] and
# KDCL [5]); same networks, data and recipe as the SwitOKD row.
_base_ = ['./switokd_wrn16-2_mbv2-0.5x_1xb128_cifar100.py']

model = dict(type='KDCL', tau=3.0)
