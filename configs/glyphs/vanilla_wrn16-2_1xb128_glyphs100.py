# The teacher of the Glyphs-100 SwitOKD config (WRN-16-2, 0.70M) trained
# alone with cross-entropy, same data and schedule (lr 0.1). Measured: its
# speed and its first 50 iterations (README.md: still at the start, 2.44%
# test top-1); a whole epoch (11 min or more on 2 busy CPU cores) and 4
# epochs not measured.
_base_ = [
    '../_base_/models/wrn16-2_resnet8-w8_glyphs100.py',
    '../_base_/datasets/glyphs100_bs128.py',
    '../_base_/schedules/switokd_glyphs100_bs128.py',
    '../_base_/vanilla_runtime.py',
]

model = {{_base_.teacher}}
optim_wrapper = dict(_delete_=True, optimizer={{_base_.teacher_sgd}})
val_evaluator = dict(_delete_=True, type='Accuracy', topk=(1, 5))
test_evaluator = val_evaluator

default_hooks = dict(logger=dict(type='LoggerHook', interval=50))
randomness = dict(seed=0)
