"""Start a CPU (gloo) process group where mmengine would assume CUDA.

mmengine's ``init_dist`` calls ``torch.cuda.set_device`` for the pytorch and
slurm launchers, so CPU runs under torchrun or srun fail there. When no CUDA
device is available, :func:`init_cpu_process_group` sets the process group
up first; mmengine's Runner then finds it initialised and skips its own.
"""
import os
import subprocess
from contextlib import contextmanager
from typing import Iterator

import torch
import torch.distributed as torch_dist


def _slurm_env() -> None:
    """Derive torch's env:// variables from SLURM's, as srun sets them."""
    nodes = os.environ['SLURM_NODELIST']
    host = subprocess.getoutput(
        f'scontrol show hostname {nodes} | head -n1').strip()
    os.environ.setdefault('MASTER_ADDR', host)
    os.environ.setdefault('MASTER_PORT', '29500')
    os.environ['RANK'] = os.environ['SLURM_PROCID']
    os.environ['WORLD_SIZE'] = os.environ['SLURM_NTASKS']
    os.environ['LOCAL_RANK'] = os.environ['SLURM_LOCALID']


def init_cpu_process_group(launcher: str) -> bool:
    """Initialise a gloo process group for a CPU-only distributed launch.

    Args:
        launcher: ``'none'``, ``'pytorch'`` (torchrun), ``'slurm'`` or
            ``'mpi'``.

    Returns:
        bool: whether this call created the process group (False when
        nothing is to be done: no launcher, CUDA available, or already
        initialised).
    """
    if launcher == 'none' or torch.cuda.is_available() or \
            torch_dist.is_initialized():
        return False
    if launcher == 'slurm':
        _slurm_env()
    elif launcher != 'pytorch':
        raise ValueError(f'launcher {launcher!r} is not supported without '
                         f'CUDA; use --launcher pytorch (tools/dist_train.sh)'
                         f' or slurm')
    torch_dist.init_process_group(backend='gloo', init_method='env://')
    return True


@contextmanager
def process_group_closed_at_exit() -> Iterator[None]:
    """Run the block, then destroy the default process group, if any:
    left to interpreter shutdown, or closed while another rank still
    communicates, its communication threads can abort the process
    ("terminate called without an active exception") after the work is
    done. After the block, every rank waits for the others (a barrier)
    first; after an error it does not, as the other ranks may never get
    there."""
    try:
        yield
    except BaseException:
        _close_process_group(synchronize=False)
        raise
    _close_process_group(synchronize=True)


def _close_process_group(synchronize: bool) -> None:
    if torch_dist.is_available() and torch_dist.is_initialized():
        if synchronize:
            torch_dist.barrier()
        torch_dist.destroy_process_group()
