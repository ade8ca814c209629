# The student of the Glyphs-100 SwitOKD config (ResNet-8-w8, 23K) trained
# alone with cross-entropy, same data and schedule (lr 0.1). Measured: its
# first epoch (train_cfg.max_epochs=1, param_scheduler.T_max=1) on 2 busy
# CPU cores, 62.29% test top-1 in 2 min 52 s (README.md); 4 epochs not
# measured.
_base_ = [
    '../_base_/models/wrn16-2_resnet8-w8_glyphs100.py',
    '../_base_/datasets/glyphs100_bs128.py',
    '../_base_/schedules/switokd_glyphs100_bs128.py',
    '../_base_/vanilla_runtime.py',
]

model = {{_base_.student}}
optim_wrapper = dict(_delete_=True, optimizer={{_base_.student_sgd}})
val_evaluator = dict(_delete_=True, type='Accuracy', topk=(1, 5))
test_evaluator = val_evaluator

default_hooks = dict(logger=dict(type='LoggerHook', interval=50))
randomness = dict(seed=0)
