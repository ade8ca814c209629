"""Every command of the README and of docs/ works as written, and every
relative link there names a file.

The commands are the lines of the pages' ``bash`` blocks (and of docs/'
indented code blocks). Each is checked as far as it can be on a CPU in
seconds:
- ``python tools/...`` with placeholders (CONFIG, ...) or data that is not
  here: its arguments parse (the tool is run up to its ``parse_args``);
- the newcomer's path on the demo (commands naming ``work_dirs/demo``,
  ``work_dirs/IMG.png`` or ``exported/``, and the ``python -c``
  classification): run for real, in page order (the README, then docs/ by
  name), after a one-epoch demo run on 64 images, with the interpreter
  running the tests;
- shell scripts: they exist and parse (``bash -n``); run_tests.sh's
  marker handling is run with pip, lint and pytest stubbed;
- mmpretrain's own tools/train.py: its arguments parse here, and it trains
  the demo config for real in a slow test.
A command no rule covers fails the test: add a rule when a page grows.
"""
import argparse
import glob
import os
import re
import runpy
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

from tests.conftest import REPO

DEMO = ('configs/switokd-eq5_wrn16-1_resnet8-w4_1xb128-tlr0.1-slr0.01-3e_'
        'fashion-mnist-20k.py')
#: a one-epoch demo run on 64 images (one iteration)
DEMO_TRAIN = [
    'tools/train.py', DEMO, '--work-dir', 'work_dirs/demo', '--cfg-options',
    'train_cfg.max_epochs=1', 'train_dataloader.dataset.indices=64',
    'val_dataloader.dataset.indices=64'
]
#: arguments naming the demo run's products: run for real
DEMO_PRODUCTS = ('work_dirs/demo', 'work_dirs/IMG.png', 'exported/')
#: a fenced code block, its language and its text
FENCED = re.compile(r'^ *```(\w*)\n(.*?)^ *```', re.S | re.M)


def pages() -> List[Path]:
    """The documentation: the README, then docs/*.md by name."""
    return [REPO / 'README.md', *sorted((REPO / 'docs').glob('*.md'))]


def indented_blocks(text: str) -> List[str]:
    """Markdown's indented code blocks (4 spaces, after a blank line or an
    HTML comment) of ``text``, fenced blocks removed first."""
    blocks, block, previous = [], [], ''
    for line in FENCED.sub('', text).splitlines():
        if line.startswith('    ') and (block or not previous.strip()
                                        or previous.rstrip().endswith('-->')):
            block.append(line[4:])
        elif block:
            blocks.append('\n'.join(block))
            block = []
        previous = line
    return blocks + (['\n'.join(block)] if block else [])


def page_commands(page: Path) -> List[str]:
    """The commands of a page's ``bash`` blocks and indented code blocks,
    comments removed, ``\\``-continued lines joined."""
    text = page.read_text()
    blocks = [code for lang, code in FENCED.findall(text) if lang == 'bash']
    code = re.sub(r'\s*\\\n\s*', ' ',
                  '\n'.join(blocks + indented_blocks(text)))
    lines = (re.sub(r'\s+#\s.*$', '', line).strip()
             for line in code.splitlines())
    return [line for line in lines if line and not line.startswith('#')]


def doc_commands() -> List[str]:
    """The commands of every page, in page order."""
    return [command for page in pages() for command in page_commands(page)]


def unique_commands(*kinds: str) -> List[str]:
    """The distinct commands of the given kinds (one test each)."""
    return list(dict.fromkeys(c for c in doc_commands() if kind(c) in kinds))


def kind(command: str) -> str:
    """How the test checks a documented command."""
    if command.startswith('python $('):
        return 'mmpretrain'
    words = shlex.split(command)
    while re.match(r'^[A-Z_]+=', words[0]):  # NNODES=2 ... script
        words = words[1:]
    if words[0] == 'bash' or words[0].startswith('tools/'):
        return 'script'
    if words[0] == 'tensorboard':
        return 'installed'
    if words[:2] == ['python', '-c']:
        return 'demo'
    if words[0] == 'python' and words[1].startswith('tools/'):
        return 'demo' if any(p in command for p in DEMO_PRODUCTS) else 'parse'
    raise AssertionError(f'no rule checks the documented command {command!r}')


def mmpretrain_tool(command: str) -> List[str]:
    """``python $(...)/.mim/tools/X.py ARGS`` as [path, ARGS...]."""
    import mmpretrain
    script, args = re.match(r'^python \$\(.*\)(/\.mim/\S+)(.*)$',
                            command).groups()
    return [os.path.dirname(mmpretrain.__file__) + script, *shlex.split(args)]


class Parsed(Exception):
    """Raised in place of running a tool once its arguments parsed."""


def run_tool(argv: List[str], monkeypatch, parse_only: bool = False):
    """``python argv...`` in this process (the script as ``__main__``)."""
    if parse_only:
        parse = argparse.ArgumentParser.parse_args

        def parse_and_stop(self, args=None, namespace=None):
            raise Parsed(parse(self, args, namespace))

        monkeypatch.setattr(argparse.ArgumentParser, 'parse_args',
                            parse_and_stop)
    expanded = [
        match for arg in argv[1:]
        for match in (sorted(glob.glob(arg)) if '*' in arg else [arg])
    ]
    monkeypatch.setattr(sys, 'argv', [argv[0], *expanded])
    try:
        runpy.run_path(argv[0], run_name='__main__')
    except Parsed:
        pass
    else:
        assert not parse_only, f'{argv[0]} did not parse its arguments'
    finally:
        monkeypatch.undo()


def test_every_command_has_a_check():
    kinds = [kind(command) for command in doc_commands()]
    assert {'script', 'parse', 'demo', 'mmpretrain'} <= set(kinds)


def test_no_command_hides_from_the_walk():
    """Commands are in ``bash`` blocks: a block of another language, or an
    unlabelled one, holds no ``python``, ``bash`` or ``tools/*.sh`` line."""
    for page in pages():
        for lang, code in FENCED.findall(page.read_text()):
            assert lang in ('bash', 'python', ''), (page, lang)
            if lang != 'bash':
                assert not re.search(r'^(python |bash |tools/\S+\.sh)', code,
                                     re.M), (page, code)


def test_readme_starts_with_the_two_set_up_commands():
    """.ci/run and users run the README's first block: the demo, then the
    tests."""
    text = (REPO / 'README.md').read_text()
    section = text.index('## Set-up: two commands on a fresh machine')
    assert section < text.index('```')
    first = FENCED.search(text, section).group(2)
    assert [line.split('#')[0].strip() for line in first.splitlines()
            ] == ['bash tools/demo.sh', 'bash tools/run_tests.sh']


def links(page: Path) -> List[str]:
    """The link and image targets of a page's prose."""
    return re.findall(r'\]\(([^)\s]+)\)', FENCED.sub('', page.read_text()))


def anchors(page: Path) -> List[str]:
    """GitHub's anchors of a page's headings."""
    headings = re.findall(r'^#+ (.*)$', FENCED.sub('', page.read_text()),
                          re.M)
    return [
        re.sub(r'[^\w\- ]', '', heading.strip().lower()).replace(' ', '-')
        for heading in headings
    ]


def test_relative_links_name_existing_files():
    """Every relative link and image of the README and docs/ names a file
    or folder of the repository (and a heading of a page, with #)."""
    broken = []
    for page in pages():
        for target in links(page):
            if re.match(r'^[a-z][a-z0-9+.-]*:', target):
                continue  # https:, mailto:
            path, _, anchor = target.partition('#')
            path = (page.parent / path).resolve() if path else page
            if not path.exists() or anchor and anchor not in anchors(path):
                broken.append(f'{page.relative_to(REPO)}: {target}')
    assert not broken


def test_every_docs_page_is_reached_from_the_readme():
    """Following the links of the README and of the pages it leads to
    reaches every docs/*.md page."""
    reached, todo = set(), [REPO / 'README.md']
    while todo:
        page = todo.pop()
        reached.add(page)
        for target in links(page):
            path = (page.parent / target.partition('#')[0]).resolve()
            if path.suffix == '.md' and path.parent == REPO / 'docs' \
                    and path.is_file() and path not in reached:
                todo.append(path)
    unreached = sorted(page.name for page in set(pages()) - reached)
    assert not unreached


@pytest.mark.parametrize('command', unique_commands('parse', 'mmpretrain'))
def test_arguments_parse(command, monkeypatch):
    monkeypatch.chdir(REPO)
    argv = mmpretrain_tool(command) if kind(command) == 'mmpretrain' \
        else shlex.split(command)[1:]
    run_tool(argv, monkeypatch, parse_only=True)


@pytest.mark.parametrize('command', unique_commands('script'))
def test_scripts_exist_and_parse(command):
    words = [w for w in shlex.split(command) if not re.match(r'^[A-Z_]+=', w)]
    script = REPO / (words[1] if words[0] == 'bash' else words[0])
    assert os.access(script, os.X_OK) or words[0] == 'bash', script
    subprocess.run(['bash', '-n', str(script)], check=True)


def test_tensorboard_is_installed():
    """On PATH or beside this interpreter (a venv's bin/, or its base
    interpreter's for a venv with ``--system-site-packages``)."""
    beside = os.pathsep.join(
        [os.path.dirname(sys.executable),
         os.path.join(sys.base_prefix, 'bin')])
    assert shutil.which('tensorboard') or shutil.which(
        'tensorboard', path=beside)


def test_run_tests_sh_selects_by_marker(tmp_path):
    """``-m slow`` replaces the default ``-m "not slow"``; lint runs."""
    (tmp_path / 'tools').mkdir()
    shutil.copy(REPO / 'tools' / 'run_tests.sh', tmp_path / 'tools')
    (tmp_path / 'tools' / 'install.sh').write_text('true\n')
    python = tmp_path / 'python'
    python.write_text('#!/bin/sh\necho "$@"\n')
    python.chmod(0o755)

    def run(*args):
        return subprocess.run(['bash', 'tools/run_tests.sh', *args],
                              cwd=tmp_path,
                              env=dict(os.environ, PYTHON=str(python)),
                              capture_output=True,
                              text=True,
                              check=True).stdout.splitlines()

    default = run()
    assert default[1].startswith('-m flake8 switokd_mm tools tests')
    assert default[2].startswith('-m isort --check-only')
    assert default[-1] == '-m pytest -m not slow'
    assert run('-m', 'slow')[-1] == '-m pytest -m slow'
    assert run('tests/x.py', '-x')[-1] == \
        '-m pytest -m not slow tests/x.py -x'


@pytest.fixture
def demo_folder(tmp_path, fashion_mnist_root, monkeypatch):
    """A folder where the README's relative paths work: tools/, configs/,
    data/fashion_mnist, and a one-epoch demo run in work_dirs/demo (its
    checkpoint also as epoch_3.pth, the name the README uses)."""
    for name in ('tools', 'configs'):
        (tmp_path / name).symlink_to(REPO / name)
    (tmp_path / 'data').mkdir()
    (tmp_path / 'data' / 'fashion_mnist').symlink_to(fashion_mnist_root)
    monkeypatch.chdir(tmp_path)
    run_tool([*DEMO_TRAIN, '--tensorboard'], monkeypatch)
    demo = tmp_path / 'work_dirs' / 'demo'
    shutil.copy(demo / 'epoch_1.pth', demo / 'epoch_3.pth')
    assert list(demo.glob('*/vis_data/events.out.tfevents.*'))
    return tmp_path


def with_this_python(command: str) -> List[str]:
    """A ``python ...`` command as argv for the interpreter running the
    tests (the one the user chose, e.g. a venv's, activated or not)."""
    words = shlex.split(command)
    assert words[0] == 'python', command
    return [sys.executable, *words[1:]]


def test_newcomer_path_on_the_demo(demo_folder, tmp_path_factory,
                                   monkeypatch, capsys):
    """The demo commands, in page order; a ``python`` found on PATH is
    not the interpreter of the tests and fails. What they write lands in
    folders .gitignore lists."""
    wrong = tmp_path_factory.mktemp('wrong_python')
    (wrong / 'python').write_text('#!/bin/sh\nexit 1\n')
    (wrong / 'python').chmod(0o755)
    path = os.pathsep.join([str(wrong), os.environ.get('PATH', '')])
    for command in doc_commands():
        if kind(command) != 'demo':
            continue
        if command.startswith('python -c'):
            result = subprocess.run(
                with_this_python(command),
                cwd=demo_folder,
                env=dict(os.environ, PYTHONPATH=str(REPO), PATH=path),
                capture_output=True,
                text=True,
                timeout=300)
            assert result.returncode == 0, result.stderr[-3000:]
            assert 'Warning' not in result.stderr, result.stderr
            # mmpretrain's progress bar may end on the same line
            shown, score = result.stdout.splitlines()[-1].rsplit(' ', 1)
            assert any(
                shown.endswith(name)
                for name in ('T-shirt/top', 'Trouser', 'Pullover', 'Dress',
                             'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag',
                             'Ankle boot')) and 0 < float(score) <= 1
        else:
            monkeypatch.chdir(demo_folder)
            run_tool(shlex.split(command)[1:], monkeypatch)
    out = capsys.readouterr().out
    assert 'work_dirs/IMG.png: test image 0, label 9 (Ankle boot)' in out
    assert 'work_dirs/cam/IMG_cam.png, work_dirs/cam/IMG_surface.png' in out
    for name in ('plots/switching.pdf', 'plots/expert_fraction.png'):
        assert (demo_folder / 'work_dirs' / 'demo' / name).is_file()
    assert (demo_folder / 'exported' / 'student.pth').is_file()
    ignored = {
        line.strip().rstrip('/')
        for line in (REPO / '.gitignore').read_text().splitlines()
    }
    written = {entry.name for entry in demo_folder.iterdir()}
    assert written - {'tools', 'configs'} <= ignored


@pytest.mark.slow
def test_mmpretrain_tools_run_our_config(tmp_path, fashion_mnist_root):
    """mmpretrain's own tools/train.py trains the demo config as the
    README shows it, and its tools/test.py evaluates the exported student."""
    (tmp_path / 'data').mkdir()
    (tmp_path / 'data' / 'fashion_mnist').symlink_to(fashion_mnist_root)
    (tmp_path / 'configs').symlink_to(REPO / 'configs')
    env = dict(os.environ, PYTHONPATH=str(REPO))
    (command, ) = unique_commands('mmpretrain')
    train = mmpretrain_tool(command)
    subprocess.run([
        sys.executable, *train, '--work-dir', 'work_dirs/mm', '--cfg-options',
        *DEMO_TRAIN[-3:]
    ],
                   cwd=tmp_path,
                   env=env,
                   check=True,
                   timeout=600)
    subprocess.run([
        sys.executable,
        str(REPO / 'tools' / 'model_converters' / 'export_student.py'),
        'work_dirs/mm/epoch_1.pth', 'exported'
    ],
                   cwd=tmp_path,
                   env=env,
                   check=True,
                   timeout=300)
    test = train[0].replace('train.py', 'test.py')
    result = subprocess.run([
        sys.executable, test, 'exported/student.py', 'exported/student.pth',
        '--cfg-options', 'test_dataloader.dataset.indices=256'
    ],
                            cwd=tmp_path,
                            env=env,
                            capture_output=True,
                            text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'accuracy/top1' in result.stdout
