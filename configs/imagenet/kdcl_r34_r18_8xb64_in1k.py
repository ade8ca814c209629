# KDCL (MinLogit) baseline of the flagship `switokd_r18_r34_in1k.py` (paper
# Table 6: student ResNet-18 70.91, teacher ResNet-34 73.70).
_base_ = ['../switokd_r18_r34_in1k.py']

model = dict(type='KDCL', tau=2.0)
custom_hooks = {{_base_._distill_hooks}}  # KDCL has no switching
