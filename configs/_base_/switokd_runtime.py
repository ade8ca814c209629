# Runtime shared by every SwitOKD config: mmpretrain's defaults plus the
# plugin import, its runner and distributed wrapper, and checkpoints ranked
# by the student.
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
        rule='greater'),
    # a plain mmengine Runner (Runner.from_cfg ignores runner_type) is
    # refused before it loads anything
    runner_check=dict(type='RequireSafeRunnerHook'))

# The log lines' switokd/* values (G, delta, ds, dt, expert) are means over
# the last window_size iterations, like the losses; switokd/expert is then the
# share of those iterations in expert mode. The exact per-iteration values
# are the switokd/iter_* scalars of SwitchingLoggerHook.
log_processor = dict(
    mean_pattern=r'.*(loss|time|data_time|grad_norm|switokd/).*')

# One torch DDP per network (each steps, or pauses, on its own); rank 0's
# BatchNorm buffers are broadcast by DDP itself. Not used in single-process
# runs.
model_wrapper_cfg = dict(type='PerNetworkDistributedDataParallel')

# SafeRunner registers RandomStateHook (random generators in every
# checkpoint) and, for a model that switches, SwitchingLoggerHook, whatever
# custom_hooks holds: a user's own list cannot drop them.
