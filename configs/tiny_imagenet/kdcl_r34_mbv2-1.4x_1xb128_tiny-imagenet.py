# KDCL (MinLogit) baseline of `switokd_r34_mbv2-1.4x_1xb128_tiny-imagenet.py`.
_base_ = ['./switokd_r34_mbv2-1.4x_1xb128_tiny-imagenet.py']

model = dict(type='KDCL', tau=2.0)
custom_hooks = {{_base_._distill_hooks}}  # KDCL has no switching
