"""Is switokd_mm installed from this checkout, with everything it needs?

    python -I tools/install_state.py           # exit 0: yes; 1: why not
    python -I tools/install_state.py --write   # record the install

Used by tools/install.sh to skip ``pip install`` when nothing changed. The
install counts as current when (1) ``import switokd_mm`` finds this
checkout's package, (2) every requirement of ``setup.py`` (runtime and
tests extras, mmcv or mmcv-lite) is installed in a matching version and
(3) the stamp written after the last install names this Python and the
same ``setup.py``, requirement files and version. Run it with ``python -I``
so that neither PYTHONPATH nor the current folder hides the installed
package.
"""
import argparse
import hashlib
import importlib.util
import sys
from importlib import metadata
from pathlib import Path
from typing import Iterator, Optional

try:  # pip and setuptools need it, but a bare Python may lack it
    from packaging.requirements import Requirement
except ImportError:  # pragma: no cover
    Requirement = None

ROOT = Path(__file__).resolve().parents[1]
STAMP = ROOT / '.install_stamp'
#: files whose change needs a new ``pip install``
INSTALL_INPUTS = ('setup.py', 'requirements/runtime.txt',
                  'requirements/tests.txt', 'switokd_mm/version.py')
#: setup.py requires mmcv when present, mmcv-lite otherwise
MMCV = ('mmcv', 'mmcv-lite')
MMCV_VERSIONS = '>=2.0.0,<2.4.0'


def stamp_text() -> str:
    """This Python and a digest of :data:`INSTALL_INPUTS`."""
    digest = hashlib.sha256()
    for name in INSTALL_INPUTS:
        digest.update((ROOT / name).read_bytes())
    return f'{sys.executable}\n{digest.hexdigest()}\n'


def requirements() -> Iterator[Requirement]:
    """The requirement lines of the runtime and tests files."""
    for name in ('runtime', 'tests'):
        for line in (ROOT / 'requirements' / f'{name}.txt').read_text(
        ).splitlines():
            if line.strip() and not line.startswith('#'):
                yield Requirement(line.strip())


def _installed(name: str) -> Optional[str]:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def why_not_current() -> Optional[str]:
    """None when the install is current, else the first reason it is not."""
    if Requirement is None:
        return 'the packaging module is missing'
    spec = importlib.util.find_spec('switokd_mm')
    expected = ROOT / 'switokd_mm' / '__init__.py'
    if spec is None or spec.origin is None or \
            Path(spec.origin).resolve() != expected:
        found = spec.origin if spec else 'nothing'
        return f'import switokd_mm finds {found}, not {expected}'
    for req in requirements():
        version = _installed(req.name)
        if version is None or not req.specifier.contains(
                version, prereleases=True):
            return f'{req} needed, {version or "not installed"} found'
    if not any(
            Requirement(f'{name}{MMCV_VERSIONS}').specifier.contains(
                _installed(name) or '0') for name in MMCV):
        return f'mmcv or mmcv-lite {MMCV_VERSIONS} needed'
    if not STAMP.is_file() or STAMP.read_text() != stamp_text():
        return 'setup.py, a requirements file or the version changed ' \
            'since the last install (or another Python)'
    return None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '--write', action='store_true', help='record the current install')
    if parser.parse_args(argv).write:
        STAMP.write_text(stamp_text())
        return 0
    reason = why_not_current()
    print(reason or f'installed from {ROOT}, up to date')
    return 0 if reason is None else 1


if __name__ == '__main__':
    sys.exit(main())
