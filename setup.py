"""Install switokd_mm: ``pip install -e .`` (``.[tests]`` adds the test tools:
pytest, flake8, isort)."""
from importlib import metadata
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent


def read_requirements(name: str) -> list:
    """Return the requirement lines of ``requirements/<name>.txt``."""
    lines = (HERE / 'requirements' / f'{name}.txt').read_text().splitlines()
    return [
        line.strip() for line in lines
        if line.strip() and not line.startswith('#')
    ]


def mmcv_requirement() -> str:
    """Pick full mmcv when it is installed already, mmcv-lite otherwise.

    Both distributions install the same ``mmcv`` package, so requiring
    mmcv-lite next to a full (CUDA-op) mmcv would overwrite it. mmpretrain
    1.2 accepts mmcv in [2.0.0, 2.4.0).
    """
    try:
        metadata.version('mmcv')
        return 'mmcv>=2.0.0,<2.4.0'
    except metadata.PackageNotFoundError:
        return 'mmcv-lite>=2.0.0,<2.4.0'


def read_version() -> str:
    namespace: dict = {}
    exec((HERE / 'switokd_mm' / 'version.py').read_text(), namespace)
    return namespace['__version__']


setup(
    name='switokd_mm',
    version=read_version(),
    description='Switchable Online Knowledge Distillation (SwitOKD, '
    'ECCV 2022) for the OpenMMLab stack',
    long_description=(HERE / 'README.md').read_text(),
    long_description_content_type='text/markdown',
    packages=find_packages(
        exclude=('tests', 'tests.*', 'configs', 'tools', 'tools.*')),
    python_requires='>=3.8',
    install_requires=read_requirements('runtime') + [mmcv_requirement()],
    extras_require={'tests': read_requirements('tests')},
    license='Apache-2.0',
)
