"""Per-iteration time of SwitOKD's two modes against DML and the 'ideal'
composed from plain steps, measured in one run on one device.

    python tools/benchmarks/speed.py [--config CONFIG] [--batch-size 128]
        [--image-size 28] [--iters 20] [--repeats 3] [--device cpu]

Variants (same networks, same synthetic batch, real optimizer steps):
  switokd_learning  SwitOKD forced into learning mode (threshold never hit)
  switokd_expert    SwitOKD forced into expert mode (delta = 0, no clause)
  dml               the DML model
  ideal_learning    teacher train step + student train step, plain PyTorch
  ideal_expert      teacher no-grad forward + student train step
Reports medians over repeats and the ratios SwitOKD / ideal.
"""
import argparse
import copy
import statistics
import time
import warnings
from typing import Callable, Dict

warnings.filterwarnings(
    'ignore', message='Fail to import ``MultiScaleDeformableAttention``')

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from mmengine.config import Config  # noqa: E402
from mmengine.optim import build_optim_wrapper  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402
from mmpretrain.registry import MODELS  # noqa: E402
from mmpretrain.structures import DataSample  # noqa: E402

import switokd_mm  # noqa: E402,F401
from switokd_mm.models.losses import distillation_kl  # noqa: E402

DEMO = 'configs/switokd_wrn16-1_resnet8-w4_1xb128_fashion-mnist.py'
VARIANTS = {
    'switokd_learning': dict(type='SwitOKD',
                             threshold=dict(type='NeverSwitch')),
    'switokd_expert': dict(type='SwitOKD', require_teacher_ahead=False,
                           threshold=dict(type='FixedThreshold', delta=0.0)),
    'dml': dict(type='DML'),
}


def build(cfg: Config, overrides: dict):
    model_cfg = copy.deepcopy(cfg.model)
    model_cfg.pop('threshold', None)
    model_cfg.update(overrides)
    model_cfg.setdefault('data_preprocessor', cfg.get('data_preprocessor'))
    model = MODELS.build(model_cfg)
    return model, build_optim_wrapper(model, copy.deepcopy(cfg.optim_wrapper))


def time_it(step: Callable[[], None], iters: int, warmup: int) -> float:
    """Median seconds per call of ``step`` after ``warmup`` calls."""
    for _ in range(warmup):
        step()
    times = []
    for _ in range(iters):
        start = time.perf_counter()
        step()
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def plain_steps(model, optim, inputs, labels, teacher_learns: bool):
    """The ideal: the same networks and losses without SwitOKD around."""
    student, teacher = model.student, model.teacher
    s_opt, t_opt = optim['student'].optimizer, optim['teacher'].optimizer

    def step():
        with torch.set_grad_enabled(teacher_learns):
            z_t = teacher(inputs, mode='tensor')
        z_s = student(inputs, mode='tensor')
        loss_s = F.cross_entropy(z_s, labels) + distillation_kl(z_s, z_t)
        s_opt.zero_grad()
        loss_s.backward()
        s_opt.step()
        if teacher_learns:
            loss_t = F.cross_entropy(z_t, labels) + distillation_kl(z_t, z_s)
            t_opt.zero_grad()
            loss_t.backward()
            t_opt.step()

    return step


def measure(args) -> Dict[str, float]:
    cfg = Config.fromfile(args.config)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    channels = len(cfg.data_preprocessor.mean)
    torch.manual_seed(0)
    images = torch.randint(0, 256, (args.batch_size, channels,
                                    args.image_size, args.image_size),
                           dtype=torch.uint8)
    labels = torch.randint(0, cfg.data_preprocessor.num_classes,
                           (args.batch_size, ))
    batch = dict(inputs=list(images.to(args.device)),
                 data_samples=[DataSample().set_gt_label(int(y))
                               for y in labels])
    results = {name: [] for name in [*VARIANTS, 'ideal_learning',
                                     'ideal_expert']}
    for _ in range(args.repeats):
        for name, overrides in VARIANTS.items():
            model, optim = build(cfg, overrides)
            model.to(args.device).train()
            results[name].append(time_it(
                lambda: model.train_step(batch, optim), args.iters,
                args.warmup))
        for name, learns in (('ideal_learning', True),
                             ('ideal_expert', False)):
            model, optim = build(cfg, VARIANTS['switokd_learning'])
            model.to(args.device).train()
            data = model.data_preprocessor(batch, True)
            step = plain_steps(model, optim, data['inputs'],
                               labels.to(args.device), learns)
            results[name].append(time_it(step, args.iters, args.warmup))
    return {name: statistics.median(ts) for name, ts in results.items()}


def main(argv=None) -> Dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--config', default=DEMO)
    parser.add_argument('--batch-size', type=int, default=128)
    parser.add_argument('--image-size', type=int, default=28)
    parser.add_argument('--iters', type=int, default=20)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--device', default='cpu')
    args = parser.parse_args(argv)
    medians = measure(args)
    device = (torch.cuda.get_device_name() if args.device.startswith('cuda')
              else f'cpu ({torch.get_num_threads()} threads)')
    print(f'{args.config}, batch {args.batch_size}, {device}, torch '
          f'{torch.__version__}')
    for name, seconds in medians.items():
        print(f'{name:18s} {1000 * seconds:8.1f} ms/iter')
    print(f"expert / ideal_expert     "
          f"{medians['switokd_expert'] / medians['ideal_expert']:.3f}")
    print(f"learning / ideal_learning "
          f"{medians['switokd_learning'] / medians['ideal_learning']:.3f}")
    print(f"expert / dml              "
          f"{medians['switokd_expert'] / medians['dml']:.3f}")
    return medians


if __name__ == '__main__':
    main()
