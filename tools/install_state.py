"""Is switokd_mm installed from this checkout, with everything it needs?

    python -I tools/install_state.py [--extras tests]  # exit 0: yes; 1: why
    python -I tools/install_state.py --write [--extras tests]  # record it

Used by tools/install.sh to skip ``pip install`` when nothing changed. An
install with the given extras (none: the package alone, as the demo needs
it) counts as current when (1) ``import switokd_mm`` finds this checkout's
package, (2) every runtime requirement of ``setup.py`` (mmcv or mmcv-lite
included) and every requirement of the extras is installed in a matching
version and (3) the stamp written after the last install names this
Python, the same ``setup.py``, requirement files and version, and those
extras among the ones it installed. So an install with the test tools
serves the demo, and the demo's install does not serve the tests. Run it
with ``python -I`` so that neither PYTHONPATH nor the current folder hides
the installed package.
"""
import argparse
import hashlib
import importlib.util
import sys
from importlib import metadata
from pathlib import Path
from typing import FrozenSet, Iterator, Optional, Sequence

try:  # pip and setuptools need it, but a bare Python may lack it
    from packaging.requirements import Requirement
except ImportError:  # pragma: no cover
    Requirement = None

ROOT = Path(__file__).resolve().parents[1]
STAMP = ROOT / '.install_stamp'
#: files whose change needs a new ``pip install``
INSTALL_INPUTS = ('setup.py', 'requirements/runtime.txt',
                  'requirements/tests.txt', 'switokd_mm/version.py')
#: the extras of setup.py, each one's requirements in requirements/<name>.txt
EXTRAS = ('tests', )
#: setup.py requires mmcv when present, mmcv-lite otherwise
MMCV = ('mmcv', 'mmcv-lite')
MMCV_VERSIONS = '>=2.0.0,<2.4.0'


def inputs_text() -> str:
    """This Python and a digest of :data:`INSTALL_INPUTS`, a line each."""
    digest = hashlib.sha256()
    for name in INSTALL_INPUTS:
        digest.update((ROOT / name).read_bytes())
    return f'{sys.executable}\n{digest.hexdigest()}\n'


def stamp_text(extras: Sequence[str]) -> str:
    """:func:`inputs_text` and the extras installed, on a third line."""
    return f'{inputs_text()}extras: {" ".join(sorted(extras))}\n'


def stamped_extras() -> Optional[FrozenSet[str]]:
    """The extras of the last install; None without a stamp, or with one
    of other inputs (or of another Python)."""
    text = STAMP.read_text() if STAMP.is_file() else ''
    head, _, extras = text.rpartition('extras:')
    if head != inputs_text():
        return None
    return frozenset(extras.split())


def requirements(extras: Sequence[str]) -> Iterator[Requirement]:
    """The requirement lines of the runtime file and of each extra's."""
    for name in ('runtime', *extras):
        for line in (ROOT / 'requirements' / f'{name}.txt').read_text(
        ).splitlines():
            if line.strip() and not line.startswith('#'):
                yield Requirement(line.strip())


def _installed(name: str) -> Optional[str]:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def why_not_current(extras: Sequence[str] = ()) -> Optional[str]:
    """None when the install with ``extras`` is current, else the first
    reason it is not."""
    if Requirement is None:
        return 'the packaging module is missing'
    spec = importlib.util.find_spec('switokd_mm')
    expected = ROOT / 'switokd_mm' / '__init__.py'
    if spec is None or spec.origin is None or \
            Path(spec.origin).resolve() != expected:
        found = spec.origin if spec else 'nothing'
        return f'import switokd_mm finds {found}, not {expected}'
    for req in requirements(extras):
        version = _installed(req.name)
        if version is None or not req.specifier.contains(
                version, prereleases=True):
            return f'{req} needed, {version or "not installed"} found'
    if not any(
            Requirement(f'{name}{MMCV_VERSIONS}').specifier.contains(
                _installed(name) or '0') for name in MMCV):
        return f'mmcv or mmcv-lite {MMCV_VERSIONS} needed'
    installed = stamped_extras()
    if installed is None:
        return 'setup.py, a requirements file or the version changed ' \
            'since the last install (or another Python)'
    missing = sorted(set(extras) - installed)
    if missing:
        return f'installed without the {" and ".join(missing)} extra'
    return None


def describe_current() -> str:
    """The line for a current install: where from, with which extras."""
    extras = ' '.join(sorted(stamped_extras() or ())) or 'none'
    return f'installed from {ROOT} (extras: {extras}), up to date'


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '--write', action='store_true', help='record the current install')
    parser.add_argument(
        '--extras',
        nargs='*',
        default=[],
        choices=EXTRAS,
        help='extras of setup.py needed (default: none) or installed')
    args = parser.parse_args(argv)
    if args.write:
        STAMP.write_text(stamp_text(args.extras))
        return 0
    reason = why_not_current(args.extras)
    print(reason or describe_current())
    return 0 if reason is None else 1


if __name__ == '__main__':
    sys.exit(main())
