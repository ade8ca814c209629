# WRN-40-2 (2.26M) alone on CIFAR-100, the SAKD release's teacher of
# wrn-40-2 -> wrn-16-2: the frozen teacher of
# sakd-*_wrn40-2_*_1xb64_cifar100.py, which load its last checkpoint
# work_dirs/vanilla_wrn40-2_1xb64_cifar100/epoch_240.pth.
# Recipe: the released SAKD teacher pre-training (train_single.py,
# configs/cifar-100/seed-1029/single/wrn_40_2.yml): SGD lr 0.05, momentum
# 0.9, weight decay 5e-4, batch 64, lr x 0.1 at epochs 150, 180, 210, 240
# epochs (../_base_/schedules/sakd_cifar100_bs64.py). The release uses the
# best test epoch's weights (best.pth) as the teacher; here that is
# best_accuracy_top1_epoch_*.pth (pass it as model.teacher_ckpt to use it).
# Not vanilla_wrn40-2_1xb128_cifar100.py (the SwitOKD rows' teacher: batch
# 128, lr 0.1, 299 epochs): the same network, here with the SAKD
# release's linear-layer initialisation and recipe.
_base_ = [
    '../_base_/models/sakd_cifar100_classifiers.py',
    '../_base_/datasets/cifar100_bs64.py',
    '../_base_/schedules/sakd_cifar100_bs64.py',
    '../_base_/vanilla_runtime.py',
]

model = {{_base_.wrn40_2}}
optim_wrapper = dict(
    _delete_=True, optimizer={{_base_._student_optimizer}})
val_evaluator = dict(_delete_=True, type='Accuracy', topk=(1, ))
test_evaluator = val_evaluator
