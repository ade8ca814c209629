# Runtime shared by every SwitOKD config: mmpretrain's defaults plus the
# plugin import, its distributed wrapper, the switching logger hook and
# checkpoints ranked by the student.
_base_ = ['mmpretrain::_base_/default_runtime.py']

custom_imports = dict(imports=['switokd_mm'], allow_failed_imports=False)
# weights-only checkpoint loading, atomic checkpoint rotation, checked resumes
# (also under mmpretrain's own tools/train.py)
runner_type = 'SafeRunner'

default_hooks = dict(
    checkpoint=dict(
        type='CheckpointHook',
        interval=1,
        max_keep_ckpts=3,
        save_best='student/accuracy/top1',
        rule='greater'))

# One torch DDP per network (each steps, or pauses, on its own); rank 0's
# BatchNorm buffers are broadcast by DDP itself. Not used in single-process
# runs.
model_wrapper_cfg = dict(type='PerNetworkDistributedDataParallel')

# Hooks of every distillation run: random generators saved with each
# checkpoint (resumed runs draw the same augmentations as uninterrupted
# ones). Baselines without switching use them alone:
# custom_hooks = {{_base_._distill_hooks}}
_distill_hooks = [dict(type='RandomStateHook')]
custom_hooks = [dict(type='SwitchingLoggerHook', interval=1), *_distill_hooks]
