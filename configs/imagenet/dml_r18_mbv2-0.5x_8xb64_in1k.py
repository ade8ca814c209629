# DML baseline of `switokd_r18_mbv2-0.5x_8xb64_in1k.py` (same networks, data
# and schedule).
_base_ = ['./switokd_r18_mbv2-0.5x_8xb64_in1k.py']

model = dict(type='DML')
