"""Contrastive representation distillation (Tian et al., ICLR 2020)."""
import math
from typing import Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.dist import all_gather, all_reduce, get_world_size
from mmpretrain.registry import MODELS
from torch import Tensor

from .utils import flattened_pair, weighted_batch_mean

#: keeps the NCE ratios finite when a score underflows (the released value)
EPS = 1e-7


def contrast_indices(sample_idx: Tensor, num_samples: int,
                     num_negatives: int, share: bool) -> Tensor:
    """The memory rows each sample is contrasted with: its own row first,
    then ``num_negatives`` rows drawn uniformly from the whole memory (the
    released code's ``relax`` sampling).

    Args:
        sample_idx: ``(B,)`` the samples' dataset indices.
        num_samples: rows of the memory.
        num_negatives: negatives per sample.
        share: draw one set of negatives for the whole batch.

    Returns:
        Tensor: ``(B, 1 + num_negatives)`` (each row: the positive, then
        the negatives); with ``share``, ``(B + num_negatives,)``: the B
        positives, then the negatives of every sample.
    """
    shape = (num_negatives, ) if share else (len(sample_idx), num_negatives)
    negatives = torch.randint(
        num_samples, shape, device=sample_idx.device, dtype=torch.long)
    if share:
        return torch.cat([sample_idx, negatives])
    return torch.cat([sample_idx.view(-1, 1), negatives], dim=1)


def contrast_scores(anchor: Tensor, memory: Tensor, rows: Tensor,
                    temperature: float) -> Tensor:
    """``exp(<memory row, anchor> / T)`` for each anchor's positive (column
    0) and negatives, ``(B, 1 + K)``.

    Args:
        anchor: ``(B, D)`` unit embeddings.
        memory: ``(N, D)`` the other side's memory.
        rows: :func:`contrast_indices`' result.
        temperature: the softmax temperature T.
    """
    if rows.dim() == 2:
        candidates = memory[rows]  # (B, 1 + K, D)
        logits = torch.bmm(candidates, anchor.unsqueeze(2)).squeeze(2)
    else:
        batch = len(anchor)
        positives = (memory[rows[:batch]] * anchor).sum(1, keepdim=True)
        logits = torch.cat([positives, anchor @ memory[rows[batch:]].t()], 1)
    return torch.exp(logits / temperature)


def nce_loss(probabilities: Tensor, num_samples: int) -> Tensor:
    """The NCE loss of the paper's Eq. 18 per anchor, ``(B,)``: the positive
    (column 0) is told from ``K`` negatives drawn from the uniform noise
    distribution ``1 / N``.

    Args:
        probabilities: ``(B, 1 + K)`` normalised scores.
        num_samples: N, the size of the memory.
    """
    noise = (probabilities.shape[1] - 1) / num_samples  # K * P_n
    positive = probabilities[:, 0]
    negatives = probabilities[:, 1:]
    log_true = torch.log(positive / (positive + noise + EPS))
    log_noise = torch.log(noise / (negatives + noise + EPS))
    return -(log_true + log_noise.sum(1))


def momentum_update(memory: Tensor, rows: Tensor, embeddings: Tensor,
                    momentum: float) -> None:
    """``memory[rows] <- normalise(m * memory[rows] + (1 - m) * v)`` in
    place."""
    mixed = memory[rows] * momentum + embeddings * (1 - momentum)
    memory[rows] = F.normalize(mixed, dim=1)


@MODELS.register_module()
class CRDLoss(nn.Module):
    """Contrastive representation distillation: the student's and the
    teacher's pooled features are embedded (a linear layer each, then L2
    normalisation) into ``embed_dim``; each embedding is contrasted with
    the other network's memory of the same sample (the positive) and of
    ``num_negatives`` other samples, with the NCE loss of the paper's
    Eq. 18, from both sides (teacher anchor and student anchor; their sum
    is the loss). The memories hold one embedding per training sample,
    updated with ``momentum`` after each step; the scores are normalised by
    a constant Z set from the first batch (``exp`` scores' mean times N),
    as in the released code.

    The embeddings and memories belong to the loss: as a term's loss it is
    a submodule of the student (``distill_losses.<name>``), stepped by its
    optimizer, saved in its checkpoints (memories and Z included, so a
    resumed run continues exactly) and left out of an export. Under
    distributed training every rank writes every rank's samples into its
    memories (one all-gather), and Z is set from the mean over ranks, so
    the memories stay equal on all ranks without DDP broadcasting them
    (:attr:`synchronised_buffers`).

    A sample of weight 0 is left out of the memories' update, as the
    released SAKD code passes only the samples it distils to CRD; Z is set
    from every sample of the first batch (there, from the first batch's
    selected samples).

    The released code draws the negatives of each sample from the other
    classes by default (its ``exact`` mode, which needs the dataset's
    labels per index); here they are drawn from the whole memory (its
    ``relax`` mode), which a dataset of any kind supports.

    Args:
        student_channels: the student's feature size (its pooled features).
        teacher_channels: the teacher's feature size.
        num_samples: the training set's size (rows of each memory); every
            ``sample_idx`` must be below it.
        embed_dim: the embedding size (released: 128).
        num_negatives: negatives per positive (released: 16384).
        temperature: the score temperature (released: 0.07).
        momentum: the memories' momentum (released: 0.5).
        share_negatives: draw one set of negatives for the whole batch
            instead of one per sample: B times less memory and time for the
            contrast, the same expected loss (each sample's negatives are
            still uniform draws), negatives correlated across the batch.
        loss_weight: the term's weight (released beta: 0.8).
    """
    #: the samples' dataset indices select their memory rows
    needs_sample_idx = True
    #: buffers the loss keeps equal on every rank itself
    synchronised_buffers = ('memory_student', 'memory_teacher', 'normalizer')

    def __init__(self,
                 student_channels: int,
                 teacher_channels: int,
                 num_samples: int,
                 embed_dim: int = 128,
                 num_negatives: int = 16384,
                 temperature: float = 0.07,
                 momentum: float = 0.5,
                 share_negatives: bool = False,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if min(student_channels, teacher_channels, num_samples, embed_dim,
               num_negatives) < 1 or temperature <= 0 or not 0 <= momentum < 1:
            raise ValueError(
                'CRDLoss: channels, num_samples, embed_dim and num_negatives '
                'must be positive, temperature > 0 and momentum in [0, 1)')
        self.embed_student = nn.Linear(student_channels, embed_dim)
        self.embed_teacher = nn.Linear(teacher_channels, embed_dim)
        self.num_samples, self.num_negatives = num_samples, num_negatives
        self.temperature, self.momentum = temperature, momentum
        self.share_negatives, self.loss_weight = share_negatives, loss_weight
        # uniform in +-1/sqrt(D/3): unit expected norm, as released
        bound = 1 / math.sqrt(embed_dim / 3)
        for name in ('memory_student', 'memory_teacher'):
            self.register_buffer(
                name, (torch.rand(num_samples, embed_dim) * 2 - 1) * bound)
        # Z of the student-anchored and teacher-anchored scores; -1: unset
        self.register_buffer('normalizer', torch.full((2, ), -1.0))

    def forward(self,
                learner: Tensor,
                source: Tensor,
                weight: Optional[Tensor] = None,
                sample_idx: Optional[Tensor] = None) -> Tensor:
        learner, source = flattened_pair('CRDLoss', learner, source)
        if sample_idx is None or sample_idx.shape != (len(learner), ):
            raise ValueError('CRDLoss needs the samples\' dataset indices, '
                             '(B,)')
        if int(sample_idx.max()) >= self.num_samples or int(
                sample_idx.min()) < 0:
            raise ValueError(
                f'CRDLoss: a sample index ({int(sample_idx.max())}) lies '
                f'outside the memory of num_samples={self.num_samples}: set '
                f"num_samples to the training set's size")
        student = F.normalize(self.embed_student(learner), dim=1)
        teacher = F.normalize(self.embed_teacher(source), dim=1)
        rows = contrast_indices(sample_idx, self.num_samples,
                                self.num_negatives, self.share_negatives)
        scores = (contrast_scores(student, self.memory_teacher, rows,
                                  self.temperature),
                  contrast_scores(teacher, self.memory_student, rows,
                                  self.temperature))
        normalizer = self._normalizer(scores)
        per_sample = sum(
            nce_loss(score / z, self.num_samples)
            for score, z in zip(scores, normalizer))
        keep = torch.ones_like(sample_idx, dtype=torch.bool) \
            if weight is None else weight.to(sample_idx.device) != 0
        self._update_memories(sample_idx, student.detach(), teacher.detach(),
                              keep)
        return self.loss_weight * weighted_batch_mean(per_sample, weight)

    @torch.no_grad()
    def _normalizer(self, scores: Tuple[Tensor, Tensor]) -> Tensor:
        """Z of both sides, set from the first batch (mean over ranks)."""
        if bool(self.normalizer[0] < 0):
            means = torch.stack([score.mean() for score in scores])
            if get_world_size() > 1:
                all_reduce(means, op='mean')
            self.normalizer.copy_(means * self.num_samples)
        return self.normalizer.clone()

    @torch.no_grad()
    def _update_memories(self, sample_idx: Tensor, student: Tensor,
                         teacher: Tensor, keep: Tensor) -> None:
        if get_world_size() > 1:
            sample_idx, student, teacher, keep = (
                torch.cat(all_gather(t))
                for t in (sample_idx, student, teacher, keep))
        sample_idx, student, teacher = (sample_idx[keep], student[keep],
                                        teacher[keep])
        momentum_update(self.memory_student, sample_idx, student,
                        self.momentum)
        momentum_update(self.memory_teacher, sample_idx, teacher,
                        self.momentum)
