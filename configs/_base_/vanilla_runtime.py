# Runtime of the vanilla baselines (one network, plain mmpretrain training)
# next to the SwitOKD runs: same defaults, the plugin's backbones, plain
# Accuracy and checkpoints ranked by it.
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
        save_best='accuracy/top1',
        rule='greater'),
    # a plain mmengine Runner (Runner.from_cfg ignores runner_type) is
    # refused before it loads anything
    runner_check=dict(type='RequireSafeRunnerHook'))
# SafeRunner registers RandomStateHook (random generators in every
# checkpoint: resumed runs draw the same augmentations as uninterrupted
# ones) whatever custom_hooks holds.
