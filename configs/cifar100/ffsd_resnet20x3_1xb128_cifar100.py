# FFSD on CIFAR-100: a student leader and two students, all ResNet-20
# (the released models/resnet_cifar.py resnet20: option-B shortcuts);
# everything else as `ffsd_resnet32x3_1xb128_cifar100.py`. Released leader
# top-1: 72.70 (mean of the released code's README runs 72.64 / 72.58 / 72.88;
# not reproduced here).
# Recipe: released code (SJLeo/FFSD: CIFARTrainer.py, options/options.py), as
# the ResNet-32 row: SGD (Nesterov) lr 0.1, weight decay 1e-4 (fusion 1e-5),
# decoders Adam 1e-3, lr x 0.1 at epochs 150 and 225, 299 epochs run.
_base_ = ['./ffsd_resnet32x3_1xb128_cifar100.py']

_depth = dict(model=dict(backbone=dict(depth=20)))
model = dict(
    networks=dict(leader=_depth, student0=_depth, student1=_depth))
