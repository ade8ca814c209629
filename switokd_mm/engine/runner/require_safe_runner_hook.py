"""Refuse to run a switokd_mm config under a runner without its
guarantees."""
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS

from .safe_runner import SafeRunner


@HOOKS.register_module()
class RequireSafeRunnerHook(Hook):
    """Stop a run whose runner is not a
    :class:`~switokd_mm.engine.runner.SafeRunner`.

    mmengine's ``Runner.from_cfg(cfg)`` builds a plain ``Runner`` whatever
    the config's ``runner_type`` says, and such a run would go on without
    weights-only checkpoint loading, atomic checkpoints, checked resumes
    and the random-state saving. switokd_mm's runtime configs list this
    hook in ``default_hooks`` (a dict merged by key, so a user's own
    ``custom_hooks`` keep it); it raises before any checkpoint is loaded.
    """
    priority = 'VERY_HIGH'

    def before_run(self, runner) -> None:
        if not isinstance(runner, SafeRunner):
            raise RuntimeError(
                f'This config needs switokd_mm\'s SafeRunner (runner_type='
                f'\'SafeRunner\') for safe checkpoint loading, atomic '
                f'checkpoints, checked resumes and exact resumes, but the '
                f'runner is a {type(runner).__name__}: '
                f'{type(runner).__name__}.from_cfg ignores runner_type. '
                f'Build it with mmengine.registry.RUNNERS.build(cfg), as '
                f'mmpretrain\'s and switokd_mm\'s tools/train.py do, or with '
                f'switokd_mm.engine.runner.SafeRunner.from_cfg(cfg).')
