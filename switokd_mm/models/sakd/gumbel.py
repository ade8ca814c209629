"""Hard decisions with a straight-through gradient (Gumbel-softmax; Jang et
al., 2017), as SAKD's policy takes them."""
import torch
import torch.nn.functional as F
from torch import Tensor

#: keeps both logarithms of the Gumbel noise finite
EPS = 1e-20


def gumbel_noise(shape: torch.Size, device=None) -> Tensor:
    """``-log(-log(U + eps) + eps)`` with ``U ~ Uniform[0, 1)``, drawn from
    torch's global generator (saved in checkpoints by the random-state
    hook, so a resumed run draws the same noise)."""
    uniform = torch.rand(shape, device=device)
    return -torch.log(-torch.log(uniform + EPS) + EPS)


def straight_through(soft: Tensor) -> Tensor:
    """The one-hot of ``soft``'s largest entry along the last dimension in
    the forward pass, ``soft``'s gradient in the backward pass."""
    hard = F.one_hot(soft.argmax(-1), soft.shape[-1]).to(soft.dtype)
    return (hard - soft).detach() + soft


def hard_gumbel_softmax(logits: Tensor,
                        temperature: float,
                        noise: Tensor = None) -> Tensor:
    """``straight_through(softmax((logits + g) / temperature))``.

    Args:
        logits: ``(..., n)`` unnormalised log-probabilities of n choices.
        temperature: the softmax temperature (SAKD: 5).
        noise: the Gumbel noise ``g`` (default: :func:`gumbel_noise`).

    Returns:
        Tensor: one-hot choices, ``(..., n)``, differentiable as the soft
        sample.
    """
    if noise is None:
        noise = gumbel_noise(logits.shape, logits.device)
    return straight_through(F.softmax((logits + noise) / temperature, dim=-1))
