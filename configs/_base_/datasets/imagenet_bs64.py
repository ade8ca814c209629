# ImageNet-1k as mmpretrain's imagenet_bs64 base (ILSVRC2012 under
# data/imagenet), with CheckedLoadImageFromFile: an unreadable image stops the
# run with an error naming the file (ignore_empty=True skips it instead).
_base_ = ['mmpretrain::_base_/datasets/imagenet_bs64.py']

train_pipeline = [
    dict(type='CheckedLoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=224),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='CheckedLoadImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
# no persistent workers, also under mmpretrain's tools/train.py (which
# turns them on by default): exact --resume needs the workers' generators
# re-seeded every epoch
train_dataloader = dict(
    persistent_workers=False, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
