# Paper Table 4, DML row (student 66.23 +- 0.36, teacher 73.85 +- 0.21),
# same networks, data and recipe as the SwitOKD row.
_base_ = ['./switokd_wrn16-2_mbv2-0.5x_1xb128_cifar100.py']

model = dict(type='DML')
