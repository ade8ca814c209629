"""The package's layers (docs/design.md §4): each imports only those below
it. apis/ (what the tools share) sits on top; engine/ drives models/
through mmengine's contracts; checkpoint/, datasets/ and utils/ are the
base."""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / 'switokd_mm'
#: layer -> the layers it must not import
FORBIDDEN = {
    'models': ('engine', 'apis'),
    'engine': ('apis', ),
    'checkpoint': ('models', 'engine', 'apis', 'datasets', 'evaluation'),
    'datasets': ('models', 'engine', 'apis', 'checkpoint', 'evaluation'),
    'utils': ('models', 'engine', 'apis', 'checkpoint', 'datasets'),
}


def imported_modules(path: Path) -> set:
    """Absolute names of the modules a file imports (relative imports
    resolved against its package)."""
    package = path.relative_to(PACKAGE.parent).with_suffix('').parts
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = list(package[:len(package) - node.level]) \
                if node.level else []
            names.add('.'.join(base + ([node.module] if node.module else [])))
    return names


@pytest.mark.parametrize(
    'path',
    sorted(p for layer in FORBIDDEN for p in (PACKAGE / layer).rglob('*.py')),
    ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_layer_imports_only_those_below_it(path):
    layer = path.relative_to(PACKAGE).parts[0]
    upward = [
        name for name in imported_modules(path) for above in FORBIDDEN[layer]
        if name == f'switokd_mm.{above}'
        or name.startswith(f'switokd_mm.{above}.')
    ]
    assert not upward, f'{path} imports {upward}'
