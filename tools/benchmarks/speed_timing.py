"""Interleaved timing and peak memory of the speed benchmark's variants.

Round-robin: each round runs one iteration of every variant, in an order
rotated from round to round, and records per variant its wall time and the
process's CPU time (all threads). On CUDA the wall time is measured with
CUDA events (read after the round, so that timing adds no
synchronisation inside an iteration) and each iteration's peak allocated
memory above its start is read from ``torch.cuda.max_memory_allocated``.
"""
import multiprocessing
import os
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Dict, List

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.utils import ProgressBar

from tools.benchmarks.speed_variants import (synthetic_batch, variant_step,
                                             variants)

#: per variant, per measured quantity, one sample per round
Samples = Dict[str, Dict[str, List[float]]]


def rotated(names: List[str], shift: int) -> List[str]:
    """The names rotated left by ``shift``, so that no variant always runs
    first or last in a round."""
    shift %= len(names)
    return names[shift:] + names[:shift]


def _cpu_round(steps: Dict[str, Callable[[], None]], order: List[str],
               samples: Samples) -> None:
    for name in order:
        wall, cpu = time.perf_counter(), time.process_time()
        steps[name]()
        samples[name]['cpu_ms'].append(1e3 * (time.process_time() - cpu))
        samples[name]['wall_ms'].append(1e3 * (time.perf_counter() - wall))


def _cuda_round(steps: Dict[str, Callable[[], None]], order: List[str],
                samples: Samples) -> None:
    events = {}
    for name in order:
        start, end = (torch.cuda.Event(enable_timing=True) for _ in 'se')
        torch.cuda.reset_peak_memory_stats()
        base = torch.cuda.memory_allocated()
        cpu = time.process_time()
        start.record()
        steps[name]()
        end.record()
        samples[name]['cpu_ms'].append(1e3 * (time.process_time() - cpu))
        samples[name]['peak_mib'].append(
            (torch.cuda.max_memory_allocated() - base) / 2**20)
        events[name] = (start, end)
    torch.cuda.synchronize()
    for name, (start, end) in events.items():
        samples[name]['wall_ms'].append(start.elapsed_time(end))


def round_robin(steps: Dict[str, Callable[[], None]], rounds: int, warmup: int,
                device: str) -> Samples:
    """Time ``rounds`` interleaved iterations of every step.

    Args:
        steps: one training iteration per variant.
        rounds: measured rounds (one sample per variant each).
        warmup: rounds run first and discarded.
        device: ``'cpu'`` or a CUDA device.

    Returns:
        Samples: ``wall_ms`` and ``cpu_ms`` per variant (and ``peak_mib``
        on CUDA), one value per measured round.
    """
    run_round = _cuda_round if device.startswith('cuda') else _cpu_round
    names = list(steps)
    samples: Samples = {name: {'wall_ms': [], 'cpu_ms': []} for name in names}
    if device.startswith('cuda'):
        for name in names:
            samples[name]['peak_mib'] = []
    progress = ProgressBar(warmup + rounds, file=sys.stderr)
    for index in range(warmup + rounds):
        run_round(steps, rotated(names, index), samples)
        progress.update()
        if index + 1 == warmup:  # discard the warm-up rounds
            for per_variant in samples.values():
                for values in per_variant.values():
                    values.clear()
    return samples


def resident_bytes() -> int:
    """Resident set size of this process (Linux)."""
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE')


def cpu_peak_memory(config: str, name: str, batch_size: int, image_size: int,
                    iters: int) -> float:
    """Peak resident memory (MiB) above the process's own while ``iters``
    iterations of a variant run; meant for a fresh process."""
    cfg = Config.fromfile(config)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    batch = synthetic_batch(cfg, batch_size, image_size, 'cpu')
    step = variant_step(cfg, name, batch, 'cpu')
    start = peak = resident_bytes()
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, resident_bytes())
            time.sleep(0.0005)

    sampler = threading.Thread(target=sample)
    sampler.start()
    for _ in range(iters):
        step()
    done.set()
    sampler.join()
    return (max(peak, resident_bytes()) - start) / 2**20


def cpu_peak_memories(config: str, batch_size: int, image_size: int,
                      iters: int) -> Dict[str, float]:
    """:func:`cpu_peak_memory` of every variant, each in a fresh process
    (a process's resident memory does not shrink back between variants)."""
    spawn = multiprocessing.get_context('spawn')
    names = variants(Config.fromfile(config))
    with ProcessPoolExecutor(len(names), mp_context=spawn) as pool:
        futures = {
            name:
            pool.submit(cpu_peak_memory, config, name, batch_size, image_size,
                        iters)
            for name in names
        }
        return {name: future.result() for name, future in futures.items()}
