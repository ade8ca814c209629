# SAKD (spot-adaptive KD, Song et al., IEEE TIP 2022; model SpotAdaptiveKD)
# with CRD on CIFAR-100: frozen teacher ResNet-50 -> student MobileNetV2
# (1.0x), a cross-family pair of the release (zju-vipa/spot-adaptive-pytorch,
# configs/cifar-100/seed-1029/crd/ResNet50-MobileNetV2.yml).
# K = 2 spots. CRD spot: the pooled vector (student 1280, teacher 2048
# channels, each embedded into 128 dimensions and contrasted with 16384
# negatives per sample, drawn anew for each sample, from memories of the 50000
# training images; temperature 0.07, momentum 0.5; beta = other_kd = 0.8) and
# the logits (KD, alpha = kd_weight = 1, T = 4); gamma = classify_weight = 1.
# The graft adapters between the pooled vectors are linear layers. CRD reads
# each sample's dataset index: mmpretrain's PackInputs keeps sample_idx by
# default (keep it in meta_keys if the pipeline changes). As released, a sample
# the policy does not distil there leaves the memories unchanged. Difference
# from the release: the negatives are drawn uniformly from the whole memory
# (the release's CIFAR-100 sampler draws them from the other classes).
# homo False (a cross-family pair): the policy starts unbiased; Gumbel
# temperature 5.
# Recipe: the released code's (configs/cifar-100/seed-1029/*, train.py;
# ../_base_/schedules/sakd_cifar100_bs64.py): batch 64, 240 epochs, student SGD
# lr 0.01, momentum 0.9, weight decay 5e-4; policy SGD lr 0.005, momentum 0.9,
# weight decay 1e-3; both lr x 0.1 at epochs 150, 180, 210;
# ../_base_/datasets/cifar100_bs64.py.
# The release's 'MobileNetV2' is the 1.0x network (mobilev2; RepDistiller's
# benchmark uses the 0.5x mobile_half under the same name). Both networks
# have four stages (ResNet-50 32/16/8/4, MobileNetV2 16/8/4/2 pixels), so
# the pooled vector is f5.
# No AT config for this pair: the release's AT spots here are f1-f4, maps of
# different sizes in the two networks (32 vs 16 pixels, ...), which its
# attention loss average-pools to the smaller one; ATLoss needs equal sizes.
# No number: the paper's tables were not available here and no SAKD CIFAR-100
# run was made here (see configs/cifar100/README.md).
# Train the teacher first (its last checkpoint is teacher_ckpt):
#   python tools/train.py configs/cifar100/vanilla_resnet50_1xb64_cifar100.py
_base_ = [
    '../_base_/models/sakd_cifar100_classifiers.py',
    '../_base_/datasets/cifar100_bs64.py',
    '../_base_/schedules/sakd_cifar100_bs64.py',
    '../_base_/switokd_runtime.py',
]

model = dict(
    type='SpotAdaptiveKD',
    student={{_base_.mbv2}},
    teacher={{_base_.resnet50}},
    teacher_ckpt='work_dirs/vanilla_resnet50_1xb64_cifar100/epoch_240.pth',
    spots=dict(
        f5=dict(
            loss=dict(
                type='CRDLoss',
                student_channels=1280,
                teacher_channels=2048,
                num_samples=50000,
                embed_dim=128,
                num_negatives=16384,
                temperature=0.07,
                momentum=0.5,
                loss_weight=0.8))),
    alpha=1.0,
    tau=4.0,
    gamma=1.0,
    homo=False,
    eval_teacher=True)
optim_wrapper = dict(
    student=dict(optimizer=dict(lr=0.01)),
    policy=dict(optimizer=dict(lr=0.005)))  # the student's lr / 2
