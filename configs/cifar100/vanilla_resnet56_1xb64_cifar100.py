# ResNet-56 (0.86M) alone on CIFAR-100, the SAKD release's teacher of
# resnet56 -> resnet20: the frozen teacher of
# sakd-*_resnet56_*_1xb64_cifar100.py, which load its last checkpoint
# work_dirs/vanilla_resnet56_1xb64_cifar100/epoch_240.pth.
# Recipe: the released SAKD teacher pre-training (train_single.py,
# configs/cifar-100/seed-1029/single/resnet56.yml): SGD lr 0.05, momentum
# 0.9, weight decay 5e-4, batch 64, lr x 0.1 at epochs 150, 180, 210, 240
# epochs (../_base_/schedules/sakd_cifar100_bs64.py). The release uses the
# best test epoch's weights (best.pth) as the teacher; here that is
# best_accuracy_top1_epoch_*.pth (pass it as model.teacher_ckpt to use it).
_base_ = [
    '../_base_/models/sakd_cifar100_classifiers.py',
    '../_base_/datasets/cifar100_bs64.py',
    '../_base_/schedules/sakd_cifar100_bs64.py',
    '../_base_/vanilla_runtime.py',
]

model = {{_base_.resnet56}}
optim_wrapper = dict(
    _delete_=True, optimizer={{_base_._student_optimizer}})
val_evaluator = dict(_delete_=True, type='Accuracy', topk=(1, ))
test_evaluator = val_evaluator
