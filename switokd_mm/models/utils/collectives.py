"""The one collective a training step needs besides DDP's own."""
import torch
from mmengine.dist import all_reduce, get_world_size
from torch import Tensor


def average_over_ranks(values: Tensor, batch_size: int) -> Tensor:
    """Batch statistics averaged over all ranks, weighted by each rank's
    batch size, in one collective (identity in a single process), so that
    every rank takes the decision one process would take on the global
    batch.

    Args:
        values: this rank's statistics, any shape.
        batch_size: this rank's batch size.

    Returns:
        Tensor: the weighted means, same shape.
    """
    if get_world_size() == 1:
        return values
    packed = torch.cat([values.flatten(), values.new_ones(1)]) * batch_size
    all_reduce(packed, op='sum')
    return (packed[:-1] / packed[-1]).view_as(values)
