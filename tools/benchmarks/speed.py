"""Speed and memory of SwitOKD's two modes against DML and the 'ideal'
composed from plain steps, and epoch time on real data, in one run.

    python tools/benchmarks/speed.py [--config CONFIG] [--batch-size 128]
        [--image-size 28] [--iters 20] [--repeats 3] [--epoch-iters 100]
        [--fixed-delta 0.2] [--data-root data/fashion_mnist] [--device cpu]
        [--out RESULTS.json]

1. Per-iteration time (same networks, same synthetic batch, real optimizer
   steps; medians over repeats, the variants interleaved):
     switokd_learning  SwitOKD forced into learning mode (threshold never hit)
     switokd_expert    SwitOKD forced into expert mode (delta = 0, no clause)
     dml               the DML model
     ideal_learning    teacher train step + student train step, plain PyTorch
     ideal_expert      teacher no-grad forward + student train step
   (each step preprocesses the batch once, as every variant does)
2. Peak memory of each variant over a few iterations, each in its own fresh
   process (CPU: peak resident memory above the process's memory before the
   first step; CUDA: peak allocated memory).
3. Epoch time on the config's real training data (the first --epoch-iters
   batches, loaded beforehand): SwitOKD as configured, SwitOKD with a fixed
   threshold (so that the teacher does pause), and DML, from the same initial
   weights. The expected SwitOKD time is DML's x (1 - f x s), with f the
   run's expert fraction and s the teacher's backward + step share of an
   iteration, (ideal_learning - ideal_expert) / ideal_learning.
"""
import argparse
import copy
import json
import multiprocessing
import os
import platform
import statistics
import threading
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Dict, List

warnings.filterwarnings(
    'ignore', message='Fail to import ``MultiScaleDeformableAttention``')

import mmengine  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from mmengine.config import Config  # noqa: E402
from mmengine.optim import build_optim_wrapper  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402
from mmengine.runner import Runner  # noqa: E402
from mmpretrain.registry import MODELS  # noqa: E402
from mmpretrain.structures import DataSample  # noqa: E402

import switokd_mm  # noqa: E402,F401
from switokd_mm.models.losses import distillation_kl  # noqa: E402

#: the demo's pair with the default losses (the demo config's Eq. 5
#: teacher would make its DML variant DML with a labels-only teacher)
PAIR = ('configs/fashion_mnist/'
        'switokd_wrn16-1_resnet8-w4_1xb128_fashion-mnist.py')
#: model overrides of the per-iteration variants
VARIANTS = {
    'switokd_learning': dict(threshold=dict(type='NeverSwitch')),
    'switokd_expert': dict(
        require_teacher_ahead=False,
        threshold=dict(type='FixedThreshold', delta=0.0)),
    'dml': dict(type='DML'),
}
IDEALS = {'ideal_learning': True, 'ideal_expert': False}


def build(cfg: Config, overrides: dict, device: str):
    """The config's model with ``overrides`` and its optimizers."""
    model_cfg = copy.deepcopy(cfg.model)
    if overrides.get('type', model_cfg.type) != model_cfg.type:
        model_cfg.pop('threshold', None)  # DML has no threshold
    model_cfg.update(overrides)
    model_cfg.setdefault('data_preprocessor', cfg.get('data_preprocessor'))
    model = MODELS.build(model_cfg).to(device).train()
    return model, build_optim_wrapper(model, copy.deepcopy(cfg.optim_wrapper))


def synthetic_batch(cfg: Config, args) -> dict:
    channels = len(cfg.data_preprocessor.mean)
    torch.manual_seed(0)
    images = torch.randint(
        0,
        256, (args.batch_size, channels, args.image_size, args.image_size),
        dtype=torch.uint8)
    labels = torch.randint(0, cfg.data_preprocessor.num_classes,
                           (args.batch_size, ))
    return dict(
        inputs=list(images.to(args.device)),
        data_samples=[DataSample().set_gt_label(int(y)) for y in labels])


def plain_steps(model, optim, batch: dict,
                teacher_learns: bool) -> Callable[[], None]:
    """The ideal: the same networks and losses without SwitOKD around, the
    batch preprocessed once per step as any mmpretrain train step does."""
    student, teacher = model.student, model.teacher
    s_opt, t_opt = optim['student'].optimizer, optim['teacher'].optimizer

    def step():
        data = model.data_preprocessor(batch, True)
        inputs = data['inputs']
        labels = torch.cat([s.gt_label for s in data['data_samples']])
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


def variant_step(name: str, cfg: Config, batch: dict,
                 device: str) -> Callable[[], None]:
    """One training iteration of the named variant, freshly built."""
    if name in IDEALS:
        model, optim = build(cfg, VARIANTS['switokd_learning'], device)
        return plain_steps(model, optim, batch, IDEALS[name])
    model, optim = build(cfg, VARIANTS[name], device)
    return lambda: model.train_step(batch, optim)


def synchronize() -> None:
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def rotated(names: List[str], shift: int) -> List[str]:
    """The variants in another order each repeat, so that no variant always
    runs first or last (drifting clocks and caches)."""
    shift %= len(names)
    return names[shift:] + names[:shift]


def time_it(step: Callable[[], None], iters: int, warmup: int) -> float:
    """Median seconds per call of ``step`` after ``warmup`` calls."""
    for _ in range(warmup):
        step()
    times = []
    for _ in range(iters):
        start = time.perf_counter()
        step()
        synchronize()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def iteration_times(cfg: Config, args) -> Dict[str, float]:
    """Median seconds per iteration of every variant."""
    batch = synthetic_batch(cfg, args)
    results: Dict[str, List[float]] = {
        name: []
        for name in [*VARIANTS, *IDEALS]
    }
    for repeat in range(args.repeats):
        for name in rotated(list(results), repeat):
            step = variant_step(name, cfg, batch, args.device)
            results[name].append(time_it(step, args.iters, args.warmup))
    return {name: statistics.median(ts) for name, ts in results.items()}


def resident_bytes() -> int:
    """Resident set size of this process (Linux)."""
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE')


def peak_memory(config: str, args, name: str) -> float:
    """Peak memory (MiB) of ``args.memory_iters`` iterations of one variant;
    run in a fresh process."""
    cfg = Config.fromfile(config)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    batch = synthetic_batch(cfg, args)
    step = variant_step(name, cfg, batch, args.device)
    if args.device.startswith('cuda'):
        torch.cuda.reset_peak_memory_stats()
        start = torch.cuda.memory_allocated()
        for _ in range(args.memory_iters):
            step()
        return (torch.cuda.max_memory_allocated() - start) / 2**20
    # CPU: sample the resident set while the steps run
    start = peak = resident_bytes()
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, resident_bytes())
            time.sleep(0.0005)

    sampler = threading.Thread(target=sample)
    sampler.start()
    for _ in range(args.memory_iters):
        step()
    done.set()
    sampler.join()
    return (max(peak, resident_bytes()) - start) / 2**20


def peak_memories(args) -> Dict[str, float]:
    names = [*VARIANTS, *IDEALS]
    spawn = multiprocessing.get_context('spawn')
    with ProcessPoolExecutor(len(names), mp_context=spawn) as pool:
        futures = {
            name: pool.submit(peak_memory, args.config, args, name)
            for name in names
        }
        return {name: future.result() for name, future in futures.items()}


def real_batches(cfg: Config, args) -> List[dict]:
    """The first ``epoch_iters`` training batches, loaded into memory."""
    loader_cfg = copy.deepcopy(cfg.train_dataloader)
    loader_cfg.batch_size = args.batch_size
    if args.data_root:
        loader_cfg.dataset.data_root = args.data_root
    loader = Runner.build_dataloader(loader_cfg, seed=0)
    batches = []
    for batch in loader:
        batches.append(batch)
        if len(batches) == args.epoch_iters:
            break
    return batches


def epoch_times(cfg: Config, args) -> Dict[str, dict]:
    """Seconds for the real batches and the expert fraction, per model."""
    batches = real_batches(cfg, args)
    models = {
        'switokd': {},
        f'switokd_fixed_delta_{args.fixed_delta}': dict(
            threshold=dict(type='FixedThreshold', delta=args.fixed_delta)),
        'dml': VARIANTS['dml'],
    }
    seconds: Dict[str, List[float]] = {name: [] for name in models}
    expert: Dict[str, float] = {}
    for repeat in range(args.repeats):
        for name in rotated(list(models), repeat):
            overrides = models[name]
            torch.manual_seed(0)  # same initial weights for every model
            model, optim = build(cfg, overrides, args.device)
            start = time.perf_counter()
            modes = [
                model.train_step(batch, optim)['switokd/expert']
                for batch in batches
            ]
            synchronize()
            seconds[name].append(time.perf_counter() - start)
            expert[name] = sum(modes) / len(modes)
    return {
        name: dict(
            seconds=statistics.median(seconds[name]),
            expert_fraction=expert[name])
        for name in models
    }


def report(args, iters: Dict[str, float], memory: Dict[str, float],
           epochs: Dict[str, dict]) -> dict:
    """Print the tables; return everything measured."""
    device = (
        torch.cuda.get_device_name() if args.device.startswith('cuda') else
        f'{platform.processor() or platform.machine()} CPU, '
        f'{torch.get_num_threads()} threads')
    print(f'{args.config}, batch {args.batch_size}, {device}, torch '
          f'{torch.__version__}, mmengine {mmengine.__version__}')
    print(f'{"variant":18s} {"ms/iter":>8s} {"peak MiB":>9s}')
    for name, seconds in iters.items():
        print(f'{name:18s} {1000 * seconds:8.1f} {memory[name]:9.1f}')
    ratios = dict(
        expert_vs_ideal=iters['switokd_expert'] / iters['ideal_expert'],
        learning_vs_ideal=iters['switokd_learning'] / iters['ideal_learning'],
        expert_vs_dml=iters['switokd_expert'] / iters['dml'])
    for name, value in ratios.items():
        print(f'{name:18s} {value:.3f}')

    share = 1 - iters['ideal_expert'] / iters['ideal_learning']
    dml = epochs['dml']['seconds']
    print(f'\nepoch of {args.epoch_iters} real batches; teacher backward + '
          f'step share s = {share:.3f}')
    print(f'{"model":28s} {"seconds":>8s} {"expert":>7s} {"expected":>9s} '
          f'{"ratio":>6s}')
    for name, epoch in epochs.items():
        expected = dml * (1 - epoch['expert_fraction'] * share)
        epoch.update(expected=expected, ratio=epoch['seconds'] / expected)
        print(f"{name:28s} {epoch['seconds']:8.2f} "
              f"{epoch['expert_fraction']:7.1%} {expected:9.2f} "
              f"{epoch['ratio']:6.3f}")
    return dict(
        device=device,
        torch=torch.__version__,
        ms_per_iter={k: 1000 * v
                     for k, v in iters.items()},
        peak_mib=memory,
        ratios=ratios,
        teacher_backward_share=share,
        epochs=epochs)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--config', default=PAIR)
    parser.add_argument('--batch-size', type=int, default=128)
    parser.add_argument('--image-size', type=int, default=28)
    parser.add_argument('--iters', type=int, default=20)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--memory-iters', type=int, default=3)
    parser.add_argument('--epoch-iters', type=int, default=100)
    parser.add_argument('--fixed-delta', type=float, default=0.2)
    parser.add_argument(
        '--data-root',
        help="the training set's data_root, if not the config's")
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--out', help='also write the results as JSON')
    args = parser.parse_args(argv)

    cfg = Config.fromfile(args.config)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    results = report(args, iteration_times(cfg, args), peak_memories(args),
                     epoch_times(cfg, args))
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(results, f, indent=2)
    return results


if __name__ == '__main__':
    main()
