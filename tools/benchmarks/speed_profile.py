"""Where an iteration waits for the device: host reads of device values.

Two independent counts per variant and iteration:

- every ATen operation that hands a tensor's value to the host, caught
  with a ``TorchDispatchMode`` together with the Python line that caused
  it: ``.item()``, ``bool()``/``if tensor``, ``float()`` (all
  ``aten::_local_scalar_dense``), ``nonzero`` (data-dependent shape) and
  copies from an accelerator to the CPU. On an accelerator each of them
  makes the host wait for the device; on the CPU they are counted all
  the same, so the audit runs on any machine;
- ``torch.profiler``'s events: ``aten::_local_scalar_dense`` and
  ``aten::nonzero`` on any device, and on CUDA the runtime's
  synchronisations (``cudaStreamSynchronize``, ``cudaDeviceSynchronize``,
  ``cudaEventSynchronize``) and device-to-host copies (``Memcpy DtoH``).
"""
import os
import traceback
from collections import Counter
from typing import Callable, Dict, Tuple

import torch
from torch.profiler import ProfilerActivity, profile
from torch.utils._python_dispatch import TorchDispatchMode

aten = torch.ops.aten
#: ATen operations that read a value on the host
HOST_READS = {
    aten._local_scalar_dense.default: 'item/bool',
    aten.nonzero.default: 'nonzero',
}
COPIES = (aten._to_copy.default, aten.copy_.default)
#: profiler event names (prefixes) counted per iteration
PROFILED = ('aten::_local_scalar_dense', 'aten::nonzero',
            'cudaStreamSynchronize', 'cudaDeviceSynchronize',
            'cudaEventSynchronize', 'Memcpy DtoH')
TORCH_DIR = os.path.dirname(torch.__file__)


def _caller() -> str:
    """``path:line`` of the innermost Python frame outside torch and this
    module."""
    for frame in reversed(traceback.extract_stack()):
        if not frame.filename.startswith((TORCH_DIR, __file__)):
            path = frame.filename
            for root in (os.getcwd(), 'site-packages'):
                path = path.rpartition(root + os.sep)[2]
            return f'{path}:{frame.lineno}'
    return '?'


def _device_to_host(func, args, kwargs) -> bool:
    if func is aten._to_copy.default:
        source, target = args[0].device, kwargs.get('device')
    else:  # copy_(dst, src)
        source, target = args[1].device, args[0].device
    return (target is not None and torch.device(target).type == 'cpu'
            and source.type != 'cpu')


class HostReadCounter(TorchDispatchMode):
    """Counts host reads of tensor values by (kind, Python line)."""

    def __init__(self) -> None:
        super().__init__()
        self.counts: Counter = Counter()

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        kind = HOST_READS.get(func)
        if kind is None and func in COPIES and _device_to_host(
                func, args, kwargs):
            kind = 'copy to host'
        if kind is not None:
            self.counts[(kind, _caller())] += 1
        return func(*args, **kwargs)


def host_reads(step: Callable[[], None],
               iters: int) -> Dict[Tuple[str, str], float]:
    """Host reads per iteration of ``step``, by (kind, Python line)."""
    with HostReadCounter() as counter:
        for _ in range(iters):
            step()
    return {key: n / iters for key, n in sorted(counter.counts.items())}


def profiler_counts(step: Callable[[], None], iters: int,
                    device: str) -> Dict[str, float]:
    """Events of :data:`PROFILED` per iteration of ``step``."""
    activities = [ProfilerActivity.CPU]
    if device.startswith('cuda'):
        activities.append(ProfilerActivity.CUDA)
    with profile(activities=activities) as prof:
        for _ in range(iters):
            step()
        if device.startswith('cuda'):
            torch.cuda.synchronize()
    counts = Counter()
    for event in prof.events():
        for name in PROFILED:
            if event.name.startswith(name):
                counts[name] += 1
    return {name: counts[name] / iters for name in PROFILED}
