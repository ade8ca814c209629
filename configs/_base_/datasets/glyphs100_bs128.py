# Glyphs, 100 classes (digits, Latin, then Greek and Cyrillic letters that
# look like no earlier class; 500 train / 100 test images per class, 50k /
# 10k, 32x32 grey, white on black): characters rendered from Debian fonts,
# offline. The test fonts' families never occur in training, so test
# accuracy measures reading an unseen typeface. Prepare it with
#   bash tools/install.sh      # the font packages, among the rest
#   python tools/dataset_converters/prepare_glyphs.py   # ~30 s
# (configs/glyphs/README.md: classes, fonts, augmentations, sizes).
dataset_type = 'Glyphs'
data_root = 'data/glyphs100'
data_preprocessor = dict(
    num_classes=100,
    # per-pixel mean/std of the 50k training images, in [0, 255]
    mean=[24.33],
    std=[63.07],
    to_rgb=False)

# The images carry their augmentation (stroke width, rotation, shear,
# scale, shift, blur, noise: drawn once by the prepare script); training
# adds a random shift. No flip: a mirrored letter is another class or none
# (b/d, p/q, R/Я, S/Z would swap their labels).
train_pipeline = [
    dict(type='RandomCrop', crop_size=32, padding=2),
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
        pipeline=train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True),
)
val_dataloader = dict(
    batch_size=256,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='test',
        test_mode=True,
        pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
val_evaluator = dict(
    type='PerNetworkMetric', metric=dict(type='Accuracy', topk=(1, 5)))

test_dataloader = val_dataloader
test_evaluator = val_evaluator
