# KDCL (MinLogit) baseline of `switokd_wrn16-2_resnet20_1xb128_tiny-
# imagenet.py`.
_base_ = ['./switokd_wrn16-2_resnet20_1xb128_tiny-imagenet.py']

model = dict(type='KDCL', tau=2.0)
custom_hooks = {{_base_._distill_hooks}}  # KDCL has no switching
