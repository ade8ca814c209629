"""Distillation terms between recorded features of two networks, declared
in a config beside an algorithm's own terms.

A term::

    dict(source='teacher.backbone.layer3',   # <network>.<module path>
         target='student.backbone.layer3',   # the learner it trains
         loss=dict(type='FitNetLoss', loss_weight=1.0),
         connector=dict(type='ConvConnector', in_channels=16,
                        out_channels=64),     # optional
         name='fitnet')                      # optional: the log key part

adds ``loss(connector(target features), source features)`` to the target
network's loss (logged as ``<target>/loss_<name>``); the source's features
are detached. A recorded output that is a tuple (a backbone's or a neck's
stage outputs) gives its last tensor.

The learner owns what its terms train or keep: the connector is a
submodule of the target network (``distill_connectors.<name>``), and so is
a loss that has parameters or buffers (``distill_losses.<name>``: an
embedding, a learned variance, a memory bank). The target's optimizer steps
them, its DDP averages their gradients, checkpoints hold them, and export
leaves them out (:data:`TRAINING_ONLY`). A loss that reads the samples'
dataset indices (a memory bank) says so with ``needs_sample_idx = True``.
"""
from typing import Dict, List, NamedTuple, Optional, Sequence

import torch
import torch.nn as nn
from mmengine.model import ModuleDict
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample
from torch import Tensor

from .recorders import last_output

#: the submodule of a target network that holds its terms' connectors
CONNECTORS = 'distill_connectors'
#: the submodule of a target network that holds its terms' losses that
#: have parameters or buffers
LOSS_MODULES = 'distill_losses'
#: submodules of a network that only training uses (export drops them)
TRAINING_ONLY = (CONNECTORS, LOSS_MODULES)


class FeatureTerm(NamedTuple):
    """One built term."""
    name: str
    source: str
    source_path: str
    target: str
    target_path: str
    loss: nn.Module
    connector: Optional[nn.Module]


def _split(spec: str, networks: Dict[str, nn.Module], field: str,
           owner: str) -> List[str]:
    network, _, path = spec.partition('.')
    if network not in networks or not path:
        raise ValueError(f'{owner}: distill term {field} {spec!r} must be '
                         f'<network>.<module path> with a network of '
                         f'{list(networks)}')
    return [network, path]


def build_terms(specs: List[dict], networks: Dict[str, nn.Module],
                owner: str) -> List[FeatureTerm]:
    """Build the terms of a config and attach their connectors to their
    target networks.

    Args:
        specs: the ``distill_terms`` configs.
        networks: the model's networks by name (not yet wrapped).
        owner: the model's name, for the messages.

    Returns:
        list[FeatureTerm]: the terms, in config order.

    Raises:
        ValueError: a term names an unknown network, the same network on
            both sides, or a name another term has.
    """
    terms = []
    for index, spec in enumerate(specs):
        spec = dict(spec)
        unknown = set(spec) - {'source', 'target', 'loss', 'connector', 'name'}
        if unknown or not {'source', 'target', 'loss'} <= set(spec):
            raise ValueError(f'{owner}: distill term {index} needs source, '
                             f'target and loss (optional connector, name); '
                             f'got {sorted(spec)}')
        source, source_path = _split(spec['source'], networks, 'source', owner)
        target, target_path = _split(spec['target'], networks, 'target', owner)
        if source == target:
            raise ValueError(f'{owner}: distill term {index} has network '
                             f'{source!r} on both sides')
        loss_cfg = spec['loss']
        name = spec.get('name') or (
            f"{str(loss_cfg['type']).lower().removesuffix('loss')}_{source}")
        if any(term.name == name and term.target == target for term in terms):
            raise ValueError(f'{owner}: two distill terms of {target!r} are '
                             f'named {name!r}; give them a name')
        connector = None
        if spec.get('connector') is not None:
            connector = MODELS.build(spec['connector'])
            attach(networks[target], CONNECTORS, name, connector)
        loss = MODELS.build(loss_cfg)
        if any(True
               for _ in loss.parameters()) or any(True
                                                  for _ in loss.buffers()):
            attach(networks[target], LOSS_MODULES, name, loss)
        terms.append(
            FeatureTerm(name, source, source_path, target, target_path, loss,
                        connector))
    return terms


def attach(holder: nn.Module, group: str, name: str,
           module: nn.Module) -> None:
    """Make ``module`` the submodule ``<group>.<name>`` of ``holder``; the
    group is mmengine's ``ModuleDict``, through which the model's
    ``init_weights`` reaches the modules (e.g. to load a frozen part)."""
    if not hasattr(holder, group):
        holder.add_module(group, ModuleDict())
    getattr(holder, group)[name] = module


def needs_sample_idx(terms: List[FeatureTerm]) -> bool:
    """Whether a term's loss reads the samples' dataset indices."""
    return any(getattr(term.loss, 'needs_sample_idx', False) for term in terms)


def sample_indices(data_samples: Sequence[DataSample]) -> Tensor:
    """The samples' dataset indices (``sample_idx``, set by mmengine's
    datasets and packed by ``PackInputs``), ``(B,)``.

    Raises:
        KeyError: a sample has no ``sample_idx``.
    """
    if any('sample_idx' not in sample for sample in data_samples):
        raise KeyError(
            'a distillation loss with a memory bank (e.g. CRDLoss) needs '
            "each sample's dataset index: keep 'sample_idx' in PackInputs' "
            'meta_keys')
    return torch.tensor([sample.sample_idx for sample in data_samples])


def recorded_paths(terms: List[FeatureTerm], network: str) -> List[str]:
    """The module paths of ``network`` whose outputs ``terms`` read."""
    return [
        path for term in terms
        for side, path in ((term.source, term.source_path),
                           (term.target, term.target_path)) if side == network
    ]


def term_losses(
        terms: List[FeatureTerm],
        learner: str,
        features: Dict[str, Dict[str, Tensor]],
        sample_idx: Optional[Tensor] = None,
        weights: Optional[Dict[str, Tensor]] = None) -> Dict[str, Tensor]:
    """The losses of the terms that train ``learner``, in float32.

    Args:
        terms: the model's terms.
        learner: the network whose terms are computed.
        features: recorded outputs per network and module path.
        sample_idx: the samples' dataset indices, for the losses that
            read them (:func:`needs_sample_idx`).
        weights: per term name, ``(B,)`` sample weights passed to its loss
            (e.g. SAKD's 0/1 choice of the samples distilled there); a term
            without one weighs every sample 1.

    Returns:
        dict: ``loss_<name>`` per term of ``learner``.
    """
    losses = {}
    for term in terms:
        if term.target != learner:
            continue
        learned = _tensor(features[term.target], term.target_path, term)
        source = _tensor(features[term.source], term.source_path, term)
        learned = learned.float()
        if term.connector is not None:
            learned = term.connector(learned)
        extra = dict(sample_idx=sample_idx) if getattr(
            term.loss, 'needs_sample_idx', False) else {}
        if weights is not None and term.name in weights:
            extra['weight'] = weights[term.name]
        losses[f'loss_{term.name}'] = term.loss(learned,
                                                source.detach().float(),
                                                **extra)
    return losses


def _tensor(outputs: Dict[str, Tensor], path: str, term: FeatureTerm):
    output = last_output(outputs.get(path))
    if not isinstance(output, Tensor):
        raise TypeError(
            f'distill term {term.name!r}: {path!r} gave '
            f'{type(output).__name__}, not a feature tensor (name one stage '
            f'of the backbone, e.g. backbone.layer3)')
    return output
