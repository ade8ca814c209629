# mmpretrain's CIFAR-100 settings at the paper's batch size of 128, with
# both networks evaluated (PerNetworkMetric). Data: the CIFAR-100 python
# version under data/cifar100.
_base_ = ['mmpretrain::_base_/datasets/cifar100_bs16.py']

# no persistent workers, also under mmpretrain's tools/train.py (which
# turns them on by default): exact --resume needs the workers' generators
# re-seeded every epoch
train_dataloader = dict(batch_size=128, persistent_workers=False)
val_dataloader = dict(batch_size=128)
test_dataloader = val_dataloader
val_evaluator = dict(
    _delete_=True,
    type='PerNetworkMetric',
    metric=dict(type='Accuracy', topk=(1, )))
test_evaluator = val_evaluator
