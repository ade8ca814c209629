# mmpretrain's CIFAR-10 settings at the paper's batch size of 128, with
# both networks evaluated (PerNetworkMetric). Data: the CIFAR-10 python
# version under data/cifar10.
_base_ = ['mmpretrain::_base_/datasets/cifar10_bs16.py']

train_dataloader = dict(batch_size=128)
val_dataloader = dict(batch_size=128)
test_dataloader = val_dataloader
val_evaluator = dict(
    _delete_=True,
    type='PerNetworkMetric',
    metric=dict(type='Accuracy', topk=(1, )))
test_evaluator = val_evaluator
