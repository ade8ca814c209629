# Tiny-ImageNet (200 classes, 64x64; 100k train / 10k val images) in its
# official layout under data/tiny-imagenet-200 (see TinyImageNet).
dataset_type = 'TinyImageNet'
data_root = 'data/tiny-imagenet-200'
data_preprocessor = dict(
    num_classes=200,
    # the released script's normalisation (SwitOKD_code/Tiny-ImageNet/Train/
    # SwitOKD/main.py: CIFAR-10's RGB statistics), on 0-255 pixels
    mean=[125.307, 122.961, 113.858],
    std=[51.587, 50.847, 51.255],
    to_rgb=True)

train_pipeline = [
    dict(type='CheckedLoadImageFromFile'),
    dict(type='RandomCrop', crop_size=64, padding=4),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='CheckedLoadImageFromFile'),
    dict(type='PackInputs'),
]

train_dataloader = dict(
    batch_size=128,
    num_workers=4,
    # also under mmpretrain's tools/train.py: exact --resume needs the
    # workers' generators re-seeded every epoch
    persistent_workers=False,
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='train',
        pipeline=train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True),
)
val_dataloader = dict(
    batch_size=128,
    num_workers=4,
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='val',
        test_mode=True,
        pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
val_evaluator = dict(
    type='PerNetworkMetric', metric=dict(type='Accuracy', topk=(1, 5)))

test_dataloader = val_dataloader
test_evaluator = val_evaluator
