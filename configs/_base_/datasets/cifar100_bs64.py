# CIFAR-100 as the SAKD release (zju-vipa/spot-adaptive-pytorch,
# dataset/cifar.py) loads it: batch 64, 32x32 random crop after zero-padding
# 4, horizontal flip, per-channel normalisation; both networks evaluated
# (PerNetworkMetric, from ./cifar100_bs128.py). Data: the CIFAR-100 python
# version under data/cifar100.
#
# Normalisation: the released CIFAR-100 loaders (get_cifar_100 and the CRD
# loader get_cifar100_dataloaders_sample) use CIFAR-100's statistics,
# mean (0.5071, 0.4867, 0.4408), std (0.2675, 0.2565, 0.2761), kept here
# (in [0, 255]). The release's CIFAR-10 statistics (0.4914, 0.4822, 0.4465)
# / (0.2023, 0.1994, 0.2010) appear only in its CIFAR-10 and Tiny-ImageNet
# loaders (and the unused dataset/cifar_spilt.py), not on CIFAR-100. For
# mmpretrain's CIFAR-100 values instead:
#   --cfg-options data_preprocessor.mean=[129.304,124.070,112.434] \
#     data_preprocessor.std=[68.170,65.392,70.418]
_base_ = ['./cifar100_bs128.py']

data_preprocessor = dict(
    mean=[0.5071 * 255, 0.4867 * 255, 0.4408 * 255],
    std=[0.2675 * 255, 0.2565 * 255, 0.2761 * 255])
train_dataloader = dict(batch_size=64)
val_dataloader = dict(batch_size=64)
test_dataloader = val_dataloader
