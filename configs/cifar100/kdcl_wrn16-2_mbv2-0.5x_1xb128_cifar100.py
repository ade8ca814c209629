# Paper Table 4, KDCL row (student 66.83 +- 0.05, teacher 73.75 +- 0.26).
_base_ = ['./switokd_wrn16-2_mbv2-0.5x_1xb128_cifar100.py']

model = dict(type='KDCL', tau=2.0)
# KDCL has no switching to log
custom_hooks = {{_base_._distill_hooks}}
