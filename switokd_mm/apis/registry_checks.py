"""Unknown ``type`` names in the model config, found before the Runner is
built.

mmengine's Runner logs the environment and the whole config (some 250
lines) before it builds the model, so a typo such as
``model.student.backbone.type=ResNett`` ends in a registry error far below.
:func:`check_model_types` looks every ``type`` of the model config up in
its registry first and names the key path, the unknown name and the close
matches.

Only dicts whose registry is known from the key that holds them are
checked (:data:`REGISTRY_OF_KEY`); a ``type`` given as a class is never a
typo. Other dicts (batch augments, layers a backbone builds its own way,
...) are left to the build: a false alarm would stop a valid run.
"""
import difflib
from typing import Iterator, List, Optional, Set, Tuple

from mmengine.config import Config
from mmengine.registry import Registry
from mmpretrain.registry import MODELS, TASK_UTILS, WEIGHT_INITIALIZERS

#: the registry of a dict's ``type``, by the key that holds the dict (or a
#: list of dicts): what mmpretrain's classifiers and switokd_mm's models
#: build, switokd_mm's thresholds, and mmengine's weight initialisers
REGISTRY_OF_KEY = {
    **dict.fromkeys(('model', 'student', 'teacher', 'backbone', 'neck',
                     'head', 'loss', 'data_preprocessor'), MODELS),
    'threshold': TASK_UTILS,
    'init_cfg': WEIGHT_INITIALIZERS,
}
#: close matches named per unknown type
MAX_MATCHES = 3


def typed_dicts(node, path: str, registry: Optional[Registry],
                scope: str) -> Iterator[Tuple[str, str, Registry, str]]:
    """Every dict under ``node`` with a string ``type`` and a known
    registry.

    Args:
        node: a config value (dict, list, tuple or other).
        path: the key path of ``node``, e.g. ``'model.student'``; list items
            add their index (``init_cfg.0``), as ``--cfg-options`` writes it.
        registry: the registry of ``node``'s type; None: unknown.
        scope: the default scope ``node`` is built in (a dict's
            ``_scope_`` switches it for the dict and what it builds).

    Yields:
        tuple: key path of the ``type``, the type name, the registry and
        the scope to look it up in.
    """
    if isinstance(node, dict):
        scope = node.get('_scope_', scope)
        if registry is not None and isinstance(node.get('type'), str):
            yield f'{path}.type', node['type'], registry, scope
        for key, value in node.items():
            yield from typed_dicts(value, f'{path}.{key}',
                                   REGISTRY_OF_KEY.get(key), scope)
    elif isinstance(node, (list, tuple)):
        for index, value in enumerate(node):
            yield from typed_dicts(value, f'{path}.{index}', registry, scope)


def registered_names(registry: Registry) -> Set[str]:
    """The names ``registry`` resolves without a scope: its own and its
    ancestors' (mmengine's ``Registry.get`` searches them too)."""
    names: Set[str] = set()
    while registry is not None:
        names.update(registry.module_dict)
        registry = registry.parent
    return names


def _is_registered(registry: Registry, name: str) -> bool:
    try:
        return registry.get(name) is not None
    except RuntimeError:  # mmengine: 'Failed to get' an unimportable path
        return False


def unknown_type(path: str, name: str, registry: Registry,
                 scope: str) -> Optional[str]:
    """None when ``name`` is registered, else one sentence naming the key
    path, the registry and the close matches."""
    with registry.switch_scope_and_registry(scope) as scoped:
        if _is_registered(scoped, name):
            return None
        matches = difflib.get_close_matches(
            Registry.split_scope_key(name)[1],
            sorted(registered_names(scoped)),
            n=MAX_MATCHES)
    hint = f' (did you mean {", ".join(map(repr, matches))}?)' \
        if matches else ''
    return (f'{path}={name!r} is not in the {scoped.scope}::{scoped.name} '
            f'registry{hint}')


def check_model_types(cfg: Config) -> None:
    """Stop before the Runner when a ``type`` of ``cfg.model`` is unknown.

    Call it after the config is loaded and merged (``custom_imports`` done,
    ``--cfg-options`` applied). Types are looked up in the config's
    ``default_scope`` (default ``'mmpretrain'``), as the Runner builds them.

    Args:
        cfg: the run's config.

    Raises:
        KeyError: naming every unknown type, its key path (e.g.
            ``model.student.backbone.type``) and close matches.
    """
    scope = cfg.get('default_scope') or 'mmpretrain'
    problems: List[str] = [
        problem for problem in (
            unknown_type(*found)
            for found in typed_dicts(cfg.get('model'), 'model', MODELS, scope))
        if problem
    ]
    if problems:
        raise KeyError('; '.join(problems))
