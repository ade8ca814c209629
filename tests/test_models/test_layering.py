"""models/ is a lower layer than engine/: no module of it imports engine/
(the engine drives models through mmengine's contracts only)."""
import ast
from pathlib import Path

import pytest

MODELS = Path(__file__).resolve().parents[2] / 'switokd_mm' / 'models'


def imported_modules(path: Path) -> set:
    """Absolute names of the modules a file imports (relative imports
    resolved against its package)."""
    package = path.relative_to(MODELS.parent.parent).with_suffix('').parts
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
    'path', sorted(MODELS.rglob('*.py')), ids=lambda p: str(p.name))
def test_models_do_not_import_the_engine(path):
    engine = [
        name for name in imported_modules(path)
        if name.startswith('switokd_mm.engine')
    ]
    assert not engine, f'{path} imports {engine}'
