# Fashion-MNIST (60k train / 10k test, 28x28 grey, 10 classes): the real data
# available offline. Prepare it with
#   apt-get install dataset-fashion-mnist
#   python tools/dataset_converters/prepare_fashion_mnist.py
dataset_type = 'FashionMNIST'
data_root = 'data/fashion_mnist'
data_preprocessor = dict(
    num_classes=10,
    # per-pixel mean/std of the training images, in [0, 255]
    mean=[72.94],
    std=[90.02],
    to_rgb=False)

train_pipeline = [
    dict(type='RandomCrop', crop_size=28, padding=2),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
# The networks take one grey channel. Test images from the dataset are grey
# already (unchanged here); a colour image file, as mmpretrain's
# ImageClassificationInferencer reads it (BGR), becomes grey with weights
# (1, 2, 1)/4, which keep a grey PNG's values exactly (prob=1: always).
test_pipeline = [
    dict(type='RandomGrayscale', prob=1.0, channel_weights=(1, 2, 1)),
    dict(type='PackInputs'),
]

train_dataloader = dict(
    batch_size=128,
    num_workers=0,
    # mmpretrain's tools/train.py turns persistent workers on unless a
    # config says otherwise, which torch refuses without worker processes
    persistent_workers=False,
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='train',
        download=False,
        pipeline=train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True),
)
# mmpretrain 1.2's FashionMNIST ignores split='test' and loads the training
# images unless test_mode=True; without it "test accuracy" is train accuracy.
val_dataloader = dict(
    batch_size=256,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='test',
        test_mode=True,
        download=False,
        pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
val_evaluator = dict(
    type='PerNetworkMetric', metric=dict(type='Accuracy', topk=(1, )))

test_dataloader = val_dataloader
test_evaluator = val_evaluator
