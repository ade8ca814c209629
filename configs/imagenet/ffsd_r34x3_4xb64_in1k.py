# FFSD on ImageNet-1k: a student leader and two students, all ResNet-34;
# everything else as `ffsd_r18x3_4xb64_in1k.py` (4 GPUs x 64). Released
# leader top-1: 74.69 (the released code's README; not reproduced here).
# Recipe: released code (SJLeo/FFSD: ImageNetTrainer.py and
# DistributeImageNetTrainer.py, options/options.py), read from the code (it
# does not run as shipped), as the ResNet-18 row: SGD (Nesterov) lr 0.1 for
# a total batch of 256, weight decay 1e-4 (fusion 1e-5), decoders Adam 1e-3;
# lr x 0.1 at 1-based epochs 30, 60 and 80 after a 5-epoch linear warm-up;
# 89 epochs run.
_base_ = ['./ffsd_r18x3_4xb64_in1k.py']

_depth = dict(model=dict(backbone=dict(depth=34)))
model = dict(
    networks=dict(leader=_depth, student0=_depth, student1=_depth))
