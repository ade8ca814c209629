"""What a launched process sets up before mmengine's Runner.

mmengine's ``init_dist`` calls ``torch.cuda.set_device`` for the pytorch and
slurm launchers, so CPU runs under torchrun or srun fail there. When no CUDA
device is available, :func:`init_cpu_process_group` sets the process group
up first; mmengine's Runner then finds it initialised and skips its own.
:func:`exit_with_launcher` ends a process whose launcher is gone, and
:func:`launch_rank` tells the rank before any process group exists.
"""
import os
import signal
import subprocess
import threading
import time
from contextlib import contextmanager
from typing import Iterator

import torch
import torch.distributed as torch_dist

#: where each launcher puts the global rank of the processes it starts
_RANK_VARIABLES = dict(
    pytorch='RANK', slurm='SLURM_PROCID', mpi='OMPI_COMM_WORLD_RANK')
#: seconds between two looks at the parent process
_PARENT_POLL_INTERVAL = 1.0


def launch_rank(launcher: str) -> int:
    """This process's global rank as its launcher set it, known before any
    process group exists (with CUDA, mmengine's Runner creates the group).

    Args:
        launcher: ``'none'``, ``'pytorch'``, ``'slurm'`` or ``'mpi'``.

    Returns:
        int: the rank; 0 without a launcher.
    """
    variable = _RANK_VARIABLES.get(launcher)
    return int(os.environ.get(variable, 0)) if variable else 0


def exit_with_launcher(launcher: str) -> None:
    """Terminate this process (SIGTERM) once the process that started it
    is gone.

    torchrun starts its workers in a session of their own, so a launcher
    killed with ``kill -9`` would leave them training on, writing into the
    work dir. A daemon thread watches the parent pid, as PyTorch's
    dataloader workers do (``PR_SET_PDEATHSIG`` would be Linux-only and
    fires when the launcher's *thread* that started this process ends).
    Checkpoints are written atomically, so the signal leaves no
    half-written one. Call it first thing: the parent is the one at the
    call.

    Args:
        launcher: ``'none'`` (nothing is watched), ``'pytorch'``,
            ``'slurm'`` or ``'mpi'``.
    """
    if launcher != 'none':
        threading.Thread(
            target=_terminate_when_orphaned,
            args=(os.getppid(), ),
            name='exit_with_launcher',
            daemon=True).start()


def _terminate_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_PARENT_POLL_INTERVAL)
    os.kill(os.getpid(), signal.SIGTERM)


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
