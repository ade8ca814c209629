# KDCL (MinLogit) baseline of `switokd_r18_mbv2-0.5x_8xb64_in1k.py`.
_base_ = ['./switokd_r18_mbv2-0.5x_8xb64_in1k.py']

model = dict(type='KDCL', tau=2.0)
custom_hooks = {{_base_._distill_hooks}}  # KDCL has no switching
