"""Glyphs: tools/dataset_converters/prepare_glyphs.py renders the same bytes
every time and skips a prepared folder, its test fonts' families are not
the training ones, nothing flips a letter, and the Glyphs dataset feeds a
tiny run of tools/train.py."""
import argparse
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from mmengine.config import Config
from mmpretrain.registry import DATASETS

from switokd_mm.datasets import check_data_roots
from tests.conftest import REPO, run_train
from tools.dataset_converters import prepare_glyphs as pg

K, TRAIN, TEST = 5, 8, 4
CONFIGS = sorted((REPO / 'configs' / 'glyphs').glob('*.py')) + [
    REPO / 'tests' / 'fixtures' / 'tiny_switokd_glyphs.py'
]


def options(out, **changes):
    args = dict(
        num_classes=K,
        out=str(out),
        train_per_class=TRAIN,
        test_per_class=TEST,
        seed=0,
        font_root=pg.FONT_ROOT,
        workers=1)
    args.update(changes)
    return argparse.Namespace(**args)


def files(folder: Path) -> dict:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope='module')
def glyphs(tmp_path_factory) -> Path:
    """A 5-class set, 8 train and 4 test images per class."""
    missing = [
        package for _, _, package, names in pg.FONTS for name in names
        if not (Path(pg.FONT_ROOT) / name).is_file()
    ]
    if missing:
        pytest.fail(f'fonts missing: run `apt-get install '
                    f'{" ".join(pg.packages())}` (tools/run_tests.sh does).')
    return pg.prepare(options(tmp_path_factory.mktemp('glyphs5') / 'data'))


def test_same_bytes_every_run_and_with_workers(glyphs, tmp_path):
    again = pg.prepare(options(tmp_path / 'again', workers=2))
    assert files(again) == files(glyphs)
    assert set(files(glyphs)) == {
        'meta.json', 'train_images.npy', 'train_labels.npy',
        'test_images.npy', 'test_labels.npy'
    }


def test_a_prepared_folder_is_skipped(glyphs, capsys):
    before = {p.name: p.stat().st_mtime_ns for p in glyphs.iterdir()}
    pg.prepare(options(glyphs))
    assert capsys.readouterr().out == f'Glyphs ready in {glyphs}\n'
    assert {p.name: p.stat().st_mtime_ns for p in glyphs.iterdir()} == before


def test_other_settings_are_refused_not_mixed(glyphs):
    with pytest.raises(SystemExit, match='choose another --out'):
        pg.prepare(options(glyphs, num_classes=6))


def test_images_and_labels(glyphs):
    for split, count in (('train', TRAIN), ('test', TEST)):
        images = np.load(glyphs / f'{split}_images.npy')
        labels = np.load(glyphs / f'{split}_labels.npy')
        assert images.shape == (K * count, 32, 32)
        assert images.dtype == np.uint8
        assert labels.dtype == np.int64
        assert np.bincount(labels).tolist() == [count] * K
        # every image holds a glyph: bright ink on a dark background
        assert (images.reshape(len(images), -1).max(1) > 128).all()
        assert np.median(images) < 40


def test_test_families_are_never_trained_on(glyphs):
    meta = pg.json.loads((glyphs / 'meta.json').read_text())
    fonts = meta['fonts']
    for key in ('family', 'name_table_families', 'files'):
        seen = {
            split: {
                name
                for entry in fonts[split] for name in (
                    entry[key] if isinstance(entry[key], list) else
                    [entry[key]])
            }
            for split in pg.SPLITS
        }
        assert seen['train'] and seen['test']
        assert not seen['train'] & seen['test'], key
    # no family name of one split is a part of one of the other's
    train_names = {n for e in fonts['train'] for n in e['name_table_families']}
    for test_name in (n for e in fonts['test']
                      for n in e['name_table_families']):
        assert not any(
            test_name.startswith(name) or name.startswith(test_name)
            for name in train_names)


def test_class_order_and_duplicates():
    chars = pg.class_characters()
    assert len(chars) == 141 and len(set(chars)) == 141
    assert ''.join(chars[:10]) == '0123456789'
    assert ''.join(chars[10:62]) == ('ABCDEFGHIJKLMNOPQRSTUVWXYZ'
                                     'abcdefghijklmnopqrstuvwxyz')
    assert '\u0391' not in chars and '\u0410' not in chars  # Alpha, A
    assert '\u03bf' not in chars and '\u043e' not in chars  # omicron, o
    for later, earlier in pg.DUPLICATES.items():
        assert earlier in chars and later not in chars
        order = ''.join(group for _, group in pg.GROUPS)
        assert order.index(earlier) < order.index(later)
    scripts = {pg.unicodedata.name(ch).split()[0] for ch in chars[:100]}
    assert scripts == {'DIGIT', 'LATIN', 'GREEK', 'CYRILLIC'}


#: the 11 regular styles the duplicate rule is measured on
KINDS = ('Sans', 'Serif', 'Mono')
REGULAR = [
    'dejavu/DejaVuSans.ttf', 'dejavu/DejaVuSerif.ttf',
    'dejavu/DejaVuSansMono.ttf', 'noto/NotoSans-Regular.ttf',
    'noto/NotoSerif-Regular.ttf'
] + [f'liberation2/Liberation{k}-Regular.ttf' for k in KINDS
     ] + [f'freefont/Free{k}.ttf' for k in KINDS]


def test_duplicates_are_the_letters_drawn_alike_in_4_of_11_styles():
    """The documented rule holds for the table: each dropped letter gives
    its kept class's 32x32 image (pixel distance <= 0.02) in at least 4
    regular styles, and no two classes do."""
    chars = ''.join(group for _, group in pg.GROUPS)
    same = np.zeros((len(chars), len(chars)), int)
    for name in REGULAR:
        font = pg.load_font(str(Path(pg.FONT_ROOT) / name))
        images = np.stack([
            np.asarray(pg.draw_glyph(font, ch).resize((32, 32), pg.Image.BOX))
            for ch in chars
        ]).reshape(len(chars), -1).astype(np.int32)
        for i in range(1, len(chars)):
            diff = np.abs(images[:i] - images[i]).sum(1)
            union = np.maximum(images[:i], images[i]).sum(1)
            same[i, :i] += diff <= 0.02 * union
    alike = {(chars[j], chars[i])
             for i in range(len(chars)) for j in range(i) if same[i, j] >= 4}
    kept = set(pg.class_characters())
    assert not {(a, b) for a, b in alike if a in kept and b in kept}
    for later, earlier in pg.DUPLICATES.items():
        assert (earlier, later) in alike


def test_a_font_without_a_glyph_is_skipped_and_logged():
    families = pg.font_files(Path(pg.FONT_ROOT))['train']
    usable, skipped = pg.plan(['\u0411', 'A'], families, 'train')  # Be, A
    assert {entry['file'] for entry in skipped} == {'DejaVuMathTeXGyre.ttf'}
    assert skipped[0]['lacks'] == '\u0411'
    assert len(usable['A']) == len(families)
    assert len(usable['\u0411']) == len(families) - 1


def test_missing_fonts_name_the_packages(tmp_path):
    with pytest.raises(SystemExit, match='apt-get install fonts-dejavu-core'):
        pg.prepare(options(tmp_path / 'out', font_root=str(tmp_path)))


def test_install_sh_installs_the_missing_font_packages(tmp_path):
    """install.sh (apt-get, sudo and python replaced by loggers) with no
    font and with the installed ones."""
    (tmp_path / 'tools').mkdir()
    shutil.copy(REPO / 'tools' / 'install.sh', tmp_path / 'tools')
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    for name in ('apt-get', 'sudo', 'python'):
        (bin_dir / name).write_text(f'#!/bin/sh\necho {name} "$@" >> "$LOG"\n')
        (bin_dir / name).chmod(0o755)

    def install(font_dir):
        log = tmp_path / 'calls.log'
        log.write_text('')
        env = dict(
            os.environ,
            PATH=f'{bin_dir}:{os.environ["PATH"]}',
            PYTHON=str(bin_dir / 'python'),
            LOG=str(log),
            FONT_DIR=str(font_dir))
        out = subprocess.run(['bash', 'tools/install.sh'],
                             cwd=tmp_path,
                             env=env,
                             capture_output=True,
                             text=True,
                             check=True).stdout
        return out, [line for line in log.read_text().splitlines()
                     if 'install -y' in line and 'fonts' in line]

    out, calls = install(tmp_path / 'no-fonts')
    assert '[install] Glyphs fonts: apt-get install' in out
    assert len(calls) == 1 and calls[0].split()[-len(pg.packages()):] == \
        pg.packages()
    out, calls = install(pg.FONT_ROOT)
    assert f'[install] Glyphs fonts: present in {pg.FONT_ROOT}' in out
    assert calls == []


def test_no_flip_anywhere():
    rng = np.random.default_rng(0)
    for _ in range(200):
        params = pg.draw_params(rng)
        matrix = pg.affine_matrix(params['angle'], params['shear'],
                                  params['scale'], params['shift_x'],
                                  params['shift_y'])
        assert np.linalg.det(matrix[:2, :2]) > 0  # a flip's is negative
    for path in CONFIGS:
        cfg = Config.fromfile(str(path))
        for loader in ('train_dataloader', 'val_dataloader',
                       'test_dataloader'):
            types = [t['type'] for t in cfg[loader].dataset.pipeline]
            assert not [t for t in types if 'Flip' in t], (path.name, types)


def test_dataset_reads_both_splits(glyphs):
    for split, count in (('train', TRAIN), ('test', TEST)):
        dataset = DATASETS.build(
            dict(
                type='Glyphs',
                data_root=str(glyphs),
                split=split,
                pipeline=[dict(type='PackInputs')]))
        assert dataset.metainfo['classes'] == ('0', '1', '2', '3', '4')
        assert len(dataset) == K * count
        # interleaved: any prefix holds every class
        assert dataset.get_gt_labels().tolist() == np.tile(
            np.arange(K), count).tolist()
        assert dataset[0]['inputs'].shape == (1, 32, 32)


def test_missing_data_names_the_prepare_command(tmp_path):
    with pytest.raises(FileNotFoundError, match='prepare_glyphs.py'):
        DATASETS.build(dict(type='Glyphs', data_root=str(tmp_path)))
    with pytest.raises(ValueError, match='split'):
        DATASETS.build(
            dict(type='Glyphs', data_root=str(tmp_path), split='val'))
    cfg = Config(
        dict(
            train_dataloader=dict(
                dataset=dict(type='Glyphs', data_root=str(tmp_path / 'x')))))
    with pytest.raises(FileNotFoundError, match='prepare_glyphs.py'):
        check_data_roots(cfg, ('train_dataloader', ))


@pytest.mark.e2e
def test_a_tiny_config_trains_through_tools_train(glyphs, tmp_path):
    run_train(
        tmp_path,
        glyphs,
        'glyphs',
        config=REPO / 'tests' / 'fixtures' / 'tiny_switokd_glyphs.py')
    log = next(tmp_path.glob('*/*.log')).read_text()
    assert 'Epoch(train) [1][5/5]' in log
    assert re.search(r'Epoch\(val\) \[1\]\[1/1\].*student/accuracy/top1', log)
    assert (tmp_path / 'epoch_1.pth').is_file()
