# Paper Table 6, KDCL (MinLogit; student ResNet-18 70.91, teacher ResNet-34
# 73.70): baseline of `switokd_r18_r34_in1k.py`, tau = 3 (paper Sec. 3.1: tau =
# {2, 3} for KD [7] and KDCL [5]).
_base_ = ['../switokd_r18_r34_in1k.py']

model = dict(type='KDCL', tau=3.0)
