"""mmengine's Runner with safe checkpoints and checked resumes."""
import copy
from contextlib import contextmanager, nullcontext
from typing import Callable, Dict, Iterator, List, Optional, Union

import torch.nn as nn
from mmengine.dist import is_main_process
from mmengine.model import is_model_wrapper
from mmengine.registry import RUNNERS
from mmengine.runner import BaseLoop, EpochBasedTrainLoop, Runner
from mmengine.runner.checkpoint import (_load_checkpoint,
                                        _load_checkpoint_to_model)

from switokd_mm.checkpoint.fit_checks import (changed_settings,
                                              check_weights_fit, is_mid_epoch,
                                              revised_keys, run_differences)
from switokd_mm.checkpoint.loader_registration import enable_safe_checkpoints
from switokd_mm.datasets.checks.dataloader_checks import (build_loop,
                                                          check_dataloader)
from switokd_mm.engine.hooks import (RandomStateHook, SafeCheckpointHook,
                                     SpotShareLoggerHook, SwitchingLoggerHook)
from switokd_mm.engine.hooks.spot_share_logger_hook import logs_spot_shares
from switokd_mm.engine.hooks.switching_logger_hook import logs_switching
from switokd_mm.engine.runner.work_dir_lock import work_dir_lock


@RUNNERS.register_module()
class SafeRunner(Runner):
    """A Runner that never runs code from a checkpoint, loses no work on a
    kill and refuses checkpoints that do not fit.

    - Building it calls :func:`~switokd_mm.checkpoint.enable_safe_checkpoints`
      (weights-only loading for every scheme, atomic local writes).
    - A checkpoint's ``meta['config']`` string is dropped when loaded:
      mmengine's ``resume`` would execute it (``Config.fromstring``) to
      read the GPU count; the world size is compared from
      ``meta['run']`` instead, which this runner writes.
    - Loading weights that fit none of the model, or none of one of its
      networks, or that are not finite, is an error; a resume, ``test()``
      and ``val()`` also need the same architecture (every key, in its
      shape: scoring a half-loaded model would report a random network's
      accuracy), and a resume a training checkpoint (epoch, iteration,
      optimizer).
    - A resume with another world size, batch size or dataset length is
      refused when the checkpoint is inside an epoch, when an epoch has
      another number of batches (the iteration counter and the
      iteration-based schedules count the checkpoint's) and, for the world
      size, without ``auto_scale_lr``; otherwise it is logged. Optimizer
      hyper-parameters and model options that differ from the checkpoint's
      are listed in one warning that says which take effect.
    - ``train()`` holds the work dir's run lock: one live run per work
      dir, whoever builds the runner (tools/train.py takes it earlier).
    - :class:`RandomStateHook` and, for a model that switches,
      :class:`SwitchingLoggerHook` (for a spot-adaptive one,
      :class:`SpotShareLoggerHook`) are always registered, whatever
      ``custom_hooks`` holds.
    - The ``checkpoint`` default hook of type ``CheckpointHook`` becomes a
      :class:`~switokd_mm.engine.hooks.SafeCheckpointHook` (new checkpoint
      complete before an old one is removed).
    - An empty dataset or epoch, labels outside ``[0, num_classes)``,
      unreadable image files and images with different channel counts
      stop the run before training (:func:`build_loop`,
      :func:`check_dataloader`; ``data_checks = dict(read_all_headers=
      False)`` skips reading every image file's header).

    Config: ``runner_type = 'SafeRunner'`` (set by switokd_mm's runtime
    configs; tools/train.py and tools/test.py use it by default).
    """

    def __init__(self, *args, **kwargs) -> None:
        enable_safe_checkpoints()
        # what the next load_checkpoint is for: None (load_from of a
        # training run, partial weights allowed), 'resume' or 'evaluate'
        self._loading_for: Optional[str] = None
        super().__init__(*args, **kwargs)

    def register_default_hooks(self, hooks: Optional[Dict] = None) -> None:
        hooks = copy.copy(hooks) if hooks is not None else {}
        checkpoint = hooks.get('checkpoint',
                               dict(type='CheckpointHook', interval=1))
        if isinstance(checkpoint, dict) and \
                checkpoint.get('type') == 'CheckpointHook':
            hooks['checkpoint'] = dict(checkpoint, type=SafeCheckpointHook)
        super().register_default_hooks(hooks)

    def register_hooks(self,
                       default_hooks: Optional[Dict] = None,
                       custom_hooks: Optional[List] = None) -> None:
        """mmengine's hooks, plus those every run of the plugin needs when
        neither list holds one of their type: :class:`RandomStateHook`
        (exact resumes) and, for a model that switches,
        :class:`SwitchingLoggerHook`, for a spot-adaptive one,
        :class:`SpotShareLoggerHook` (a user's own ``custom_hooks`` replace
        the config's list and would drop them)."""
        super().register_hooks(default_hooks, custom_hooks)
        model = self.model.module if is_model_wrapper(self.model) \
            else self.model
        required = [RandomStateHook]
        if logs_switching(model):
            required.append(SwitchingLoggerHook)
        if logs_spot_shares(model):
            required.append(SpotShareLoggerHook)
        for hook_type in required:
            if not any(isinstance(hook, hook_type) for hook in self._hooks):
                self.register_hook(hook_type())

    def _checked(self, build: Callable, loop, name: str) -> BaseLoop:
        """``build(loop)``, with :func:`check_dataloader` on a new loop."""
        if isinstance(loop, BaseLoop):
            return loop
        loop = build_loop(build, loop, getattr(self, f'_{name}'), name)
        check_dataloader(loop.dataloader, self.model, name,
                         **self._data_check_options())
        return loop

    def _data_check_options(self) -> dict:
        """The config's ``data_checks`` (``read_all_headers``), checked."""
        options = dict(self.cfg.get('data_checks') or {})
        unknown = set(options) - {'read_all_headers'}
        if unknown:
            raise ValueError(f'data_checks: unknown options {sorted(unknown)}'
                             f'; the one option is read_all_headers')
        return options

    def build_train_loop(self, loop) -> BaseLoop:
        return self._checked(super().build_train_loop, loop,
                             'train_dataloader')

    def build_val_loop(self, loop) -> BaseLoop:
        return self._checked(super().build_val_loop, loop, 'val_dataloader')

    def build_test_loop(self, loop) -> BaseLoop:
        return self._checked(super().build_test_loop, loop,
                             'test_dataloader')

    def run_facts(self) -> dict:
        """World size, per-rank batch size, dataset length and batches per
        epoch of this run's training (saved in ``meta['run']``)."""
        dataloader = self.train_loop.dataloader
        epochs = isinstance(self.train_loop, EpochBasedTrainLoop)
        return dict(
            world_size=self.world_size,
            batch_size=getattr(dataloader.batch_sampler, 'batch_size',
                               dataloader.batch_size),
            dataset_length=len(dataloader.dataset),
            iters_per_epoch=len(dataloader) if epochs else None)

    def save_checkpoint(self, out_dir: str, filename: str, *args,
                        **kwargs) -> None:
        meta = dict(kwargs.pop('meta', None) or {}, run=self.run_facts())
        super().save_checkpoint(out_dir, filename, *args, meta=meta, **kwargs)

    @contextmanager
    def _loading(self, purpose: str) -> Iterator[None]:
        self._loading_for = purpose
        try:
            yield
        finally:
            self._loading_for = None

    def train(self) -> nn.Module:
        """mmengine's ``train``, holding the work dir's run lock
        (:func:`~switokd_mm.engine.runner.work_dir_lock.work_dir_lock`) in
        the main process: a second run there is refused before it
        trains."""
        lock = work_dir_lock(self.work_dir) if is_main_process() \
            else nullcontext()
        with lock:
            return super().train()

    def test(self) -> dict:
        """mmengine's ``test``, loading ``load_from`` exactly."""
        with self._loading('evaluate'):
            return super().test()

    def val(self) -> dict:
        """mmengine's ``val``, loading ``load_from`` exactly."""
        with self._loading('evaluate'):
            return super().val()

    def resume(self, filename: str, *args, **kwargs) -> None:
        with self._loading('resume'):
            super().resume(filename, *args, **kwargs)

    def load_checkpoint(self,
                        filename: str,
                        map_location: Union[str, Callable] = 'cpu',
                        strict: bool = False,
                        revise_keys: list = [(r'^module.', '')]) -> dict:
        """mmengine's ``load_checkpoint``, with the checks above before any
        weight is copied."""
        checkpoint = _load_checkpoint(filename, map_location=map_location)
        meta = checkpoint.get('meta') or {}
        meta.pop('config', None)  # never executed
        model = self.model.module if is_model_wrapper(self.model) \
            else self.model
        state_dict = checkpoint.get('state_dict', checkpoint)
        check_weights_fit(
            model,
            revised_keys(state_dict, revise_keys),
            filename,
            exact=self._loading_for is not None)
        if self._loading_for == 'resume':
            self._check_resumable(filename, checkpoint)
        self.call_hook('after_load_checkpoint', checkpoint=checkpoint)
        checkpoint = _load_checkpoint_to_model(
            model, checkpoint, strict, revise_keys=revise_keys)
        self._has_loaded = True
        self.logger.info(f'Load checkpoint from {filename}')
        return checkpoint

    def _check_resumable(self, filename: str, checkpoint: dict) -> None:
        """Refuse to resume from what is not a training checkpoint of a
        run like this one."""
        meta = checkpoint.get('meta') or {}
        if not {'epoch', 'iter'} <= set(meta) or 'optimizer' not in checkpoint:
            raise RuntimeError(
                f'{filename} is not a training checkpoint (it lacks the '
                f'epoch, iteration or optimizer state); resume from an '
                f'epoch_*.pth / iter_*.pth of the run, or use it with '
                f'load_from to start a new run from its weights')
        saved = meta.get('run') or {}
        differences = run_differences(saved, self.run_facts())
        if differences:
            self._check_run_facts(filename, differences, meta, saved)
        changed = changed_settings(checkpoint, self.optim_wrapper,
                                   self.cfg.get('model'))
        if changed:
            self.logger.warning(
                f'Resuming from {filename} with settings that differ from '
                f'the checkpoint\'s:\n' + '\n'.join(changed))

    def _check_run_facts(self, filename: str, differences: Dict[str, str],
                         meta: dict, saved: dict) -> None:
        """Refuse a resume whose run differs where the counters or the
        learning rates could not continue; log the other differences."""
        what = '; '.join(differences.values())
        scaled = bool((self.auto_scale_lr or {}).get('enable'))
        reason = None
        if is_mid_epoch(meta, saved):
            reason = 'inside an epoch'
        elif 'iters_per_epoch' in differences:
            # the iteration counter and the iteration-based schedules
            # (param_scheduler state) count the checkpoint's batches
            reason = 'with another number of batches per epoch'
        elif 'world_size' in differences and not scaled:
            reason = 'without auto_scale_lr'
        if reason:
            raise RuntimeError(
                f'Refusing to resume from {filename} {reason}: the run '
                f'differs ({what}). Resume with the settings of the '
                f'checkpoint, or start a new run with load_from.')
        self.logger.warning(f'Resuming from {filename} at an epoch '
                            f'boundary although the run differs: {what}')
