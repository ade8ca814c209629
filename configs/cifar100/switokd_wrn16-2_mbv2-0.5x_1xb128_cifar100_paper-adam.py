# The Table 4 SwitOKD row with the paper's text recipe (Sec. 3.1) instead
# of the released script's: Adam (betas 0.9, 0.999), lr 0.01, weight decay
# 1e-4 for both networks, lr / 10 at epochs 140, 200 and 250 of 300.
# Recipe: paper text.
_base_ = ['./switokd_wrn16-2_mbv2-0.5x_1xb128_cifar100.py']

_adam = dict(_delete_=True, type='Adam', lr=0.01, weight_decay=1e-4)
optim_wrapper = dict(
    student=dict(optimizer=_adam), teacher=dict(optimizer=_adam))
param_scheduler = dict(milestones=[140, 200, 250])
train_cfg = dict(max_epochs=300)
