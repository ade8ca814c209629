# Runtime shared by every SwitOKD config: mmpretrain's defaults plus the
# plugin import, the mode-switch hook and checkpoints ranked by the student.
_base_ = ['mmpretrain::_base_/default_runtime.py']

custom_imports = dict(imports=['switokd_mm'], allow_failed_imports=False)

default_hooks = dict(
    checkpoint=dict(
        type='CheckpointHook',
        interval=1,
        max_keep_ckpts=3,
        save_best='student/accuracy/top1',
        rule='greater'))

custom_hooks = [dict(type='ModeSwitchHook', interval=1)]
