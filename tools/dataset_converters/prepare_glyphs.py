"""Render Glyphs, grey characters drawn from installed Debian fonts, where
switokd_mm's ``Glyphs`` dataset reads it.

Classes: digits, Latin capitals, Latin small letters, Greek capitals,
Cyrillic capitals, Greek small letters, Cyrillic small letters (Russian
alphabet), in that order and alphabet order within each group; a letter
that looks identical to an earlier class (Latin 'A', Greek 'Alpha',
Cyrillic 'A') is dropped, the earlier one kept (:data:`DUPLICATES`): 141
classes, ``--num-classes K`` keeps the first K. Each sample is one
character rendered with Pillow from a font of :data:`FONTS`, then stroke
width, rotation, shear, scale, shift, blur and noise (never a flip), as a
32x32 grey image, white on black. The training and test fonts belong to
disjoint families (the test families never occur in training). Same
arguments, same fonts and libraries: the same bytes. Example::

    apt-get install fonts-dejavu-core fonts-dejavu-extra fonts-liberation2 \\
        fonts-freefont-ttf fonts-noto-core
    python tools/dataset_converters/prepare_glyphs.py   # -> data/glyphs100
"""
import argparse
import io
import json
import sys
import time
import unicodedata
from multiprocessing import Pool
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont, features

from switokd_mm.checkpoint.atomic_write import atomic_write


def _span(first: int, last: int, skip: str = '') -> str:
    """The characters ``first``..``last`` (code points, inclusive) but
    those of ``skip``."""
    return ''.join(
        chr(code) for code in range(first, last + 1) if chr(code) not in skip)


#: The characters in class order before duplicates are dropped: (group,
#: characters). Greek final sigma is left out (a form of sigma); Cyrillic
#: is the Russian alphabet, Io after Ie.
GROUPS: Tuple[Tuple[str, str], ...] = (
    ('digits', _span(0x30, 0x39)),
    ('Latin capitals', _span(0x41, 0x5A)),
    ('Latin small', _span(0x61, 0x7A)),
    ('Greek capitals', _span(0x391, 0x3A9, '\u03a2')),  # U+03A2: unassigned
    ('Cyrillic capitals',
     _span(0x410, 0x415) + '\u0401' + _span(0x416, 0x42F)),
    ('Greek small', _span(0x3B1, 0x3C9, '\u03c2')),  # final sigma
    ('Cyrillic small', _span(0x430, 0x435) + '\u0451' + _span(0x436, 0x44F)),
)

#: Dropped letter -> the earlier class it looks identical to. Chosen by
#: measurement: the two render to the same 32x32 image (pixel distance
#: <= 0.02) in at least 4 of the 11 regular styles of the fonts below;
#: every pair here does in 8 to 11 of them except Cyrillic Ef (4: Liberation
#: Mono, FreeSerif, both Noto). Near pairs kept as classes, identical in
#: fewer styles: Cyrillic small ka / Greek kappa (3), Cyrillic Ka / Latin K,
#: Cyrillic Ze / digit three, Greek nu / Latin v (1 each).
DUPLICATES: Dict[str, str] = {
    unicodedata.lookup(later): unicodedata.lookup(earlier)
    for later, earlier in (
        ('GREEK CAPITAL LETTER ALPHA', 'LATIN CAPITAL LETTER A'),
        ('GREEK CAPITAL LETTER BETA', 'LATIN CAPITAL LETTER B'),
        ('GREEK CAPITAL LETTER EPSILON', 'LATIN CAPITAL LETTER E'),
        ('GREEK CAPITAL LETTER ZETA', 'LATIN CAPITAL LETTER Z'),
        ('GREEK CAPITAL LETTER ETA', 'LATIN CAPITAL LETTER H'),
        ('GREEK CAPITAL LETTER IOTA', 'LATIN CAPITAL LETTER I'),
        ('GREEK CAPITAL LETTER KAPPA', 'LATIN CAPITAL LETTER K'),
        ('GREEK CAPITAL LETTER MU', 'LATIN CAPITAL LETTER M'),
        ('GREEK CAPITAL LETTER NU', 'LATIN CAPITAL LETTER N'),
        ('GREEK CAPITAL LETTER OMICRON', 'LATIN CAPITAL LETTER O'),
        ('GREEK CAPITAL LETTER RHO', 'LATIN CAPITAL LETTER P'),
        ('GREEK CAPITAL LETTER TAU', 'LATIN CAPITAL LETTER T'),
        ('GREEK CAPITAL LETTER UPSILON', 'LATIN CAPITAL LETTER Y'),
        ('GREEK CAPITAL LETTER CHI', 'LATIN CAPITAL LETTER X'),
        ('CYRILLIC CAPITAL LETTER A', 'LATIN CAPITAL LETTER A'),
        ('CYRILLIC CAPITAL LETTER VE', 'LATIN CAPITAL LETTER B'),
        ('CYRILLIC CAPITAL LETTER GHE', 'GREEK CAPITAL LETTER GAMMA'),
        ('CYRILLIC CAPITAL LETTER IE', 'LATIN CAPITAL LETTER E'),
        ('CYRILLIC CAPITAL LETTER EM', 'LATIN CAPITAL LETTER M'),
        ('CYRILLIC CAPITAL LETTER EN', 'LATIN CAPITAL LETTER H'),
        ('CYRILLIC CAPITAL LETTER O', 'LATIN CAPITAL LETTER O'),
        ('CYRILLIC CAPITAL LETTER PE', 'GREEK CAPITAL LETTER PI'),
        ('CYRILLIC CAPITAL LETTER ER', 'LATIN CAPITAL LETTER P'),
        ('CYRILLIC CAPITAL LETTER ES', 'LATIN CAPITAL LETTER C'),
        ('CYRILLIC CAPITAL LETTER TE', 'LATIN CAPITAL LETTER T'),
        ('CYRILLIC CAPITAL LETTER EF', 'GREEK CAPITAL LETTER PHI'),
        ('CYRILLIC CAPITAL LETTER HA', 'LATIN CAPITAL LETTER X'),
        ('GREEK SMALL LETTER OMICRON', 'LATIN SMALL LETTER O'),
        ('CYRILLIC SMALL LETTER A', 'LATIN SMALL LETTER A'),
        ('CYRILLIC SMALL LETTER IE', 'LATIN SMALL LETTER E'),
        ('CYRILLIC SMALL LETTER O', 'LATIN SMALL LETTER O'),
        ('CYRILLIC SMALL LETTER ER', 'LATIN SMALL LETTER P'),
        ('CYRILLIC SMALL LETTER ES', 'LATIN SMALL LETTER C'),
        ('CYRILLIC SMALL LETTER U', 'LATIN SMALL LETTER Y'),
        ('CYRILLIC SMALL LETTER HA', 'LATIN SMALL LETTER X'),
    )
}

FONT_ROOT = '/usr/share/fonts/truetype'
_DEJAVU_STYLES = ('', '-Bold', '-Oblique', '-BoldOblique')
_ITALIC_STYLES = ('-Regular', '-Bold', '-Italic', '-BoldItalic')
_FREE_STYLES = ('', 'Bold', 'Oblique', 'BoldOblique')
#: (split, family, Debian package, font files under FONT_ROOT). A family
#: is a design, with its widths and optical sizes (DejaVu Sans Condensed,
#: Noto Sans Display); all of a family's files are in one split. Test:
#: Noto, a design unrelated to the training families (DejaVu from
#: Bitstream Vera; Liberation and FreeFont, clones of Arial/Helvetica,
#: Times and Courier, all in training).
FONTS: Tuple[Tuple[str, str, str, Tuple[str, ...]], ...] = (
    ('train', 'DejaVu Sans', 'fonts-dejavu-core',
     ('dejavu/DejaVuSans.ttf', 'dejavu/DejaVuSans-Bold.ttf')),
    ('train', 'DejaVu Sans', 'fonts-dejavu-extra',
     ('dejavu/DejaVuSans-Oblique.ttf', 'dejavu/DejaVuSans-BoldOblique.ttf',
      'dejavu/DejaVuSans-ExtraLight.ttf') +
     tuple(f'dejavu/DejaVuSansCondensed{s}.ttf' for s in _DEJAVU_STYLES)),
    ('train', 'DejaVu Serif', 'fonts-dejavu-core',
     ('dejavu/DejaVuSerif.ttf', 'dejavu/DejaVuSerif-Bold.ttf')),
    ('train', 'DejaVu Serif', 'fonts-dejavu-extra',
     ('dejavu/DejaVuSerif-Italic.ttf', 'dejavu/DejaVuSerif-BoldItalic.ttf') +
     tuple(f'dejavu/DejaVuSerifCondensed{s}.ttf'
           for s in ('', '-Bold', '-Italic', '-BoldItalic'))),
    ('train', 'DejaVu Sans Mono', 'fonts-dejavu-core',
     ('dejavu/DejaVuSansMono.ttf', 'dejavu/DejaVuSansMono-Bold.ttf')),
    ('train', 'DejaVu Sans Mono', 'fonts-dejavu-extra',
     ('dejavu/DejaVuSansMono-Oblique.ttf',
      'dejavu/DejaVuSansMono-BoldOblique.ttf')),
    # Latin and Greek only: skipped for Cyrillic (logged)
    ('train', 'DejaVu Math TeX Gyre', 'fonts-dejavu-extra',
     ('dejavu/DejaVuMathTeXGyre.ttf', )),
    *(('train', f'Liberation {kind}', 'fonts-liberation2',
       tuple(f'liberation2/Liberation{kind}{s}.ttf' for s in _ITALIC_STYLES))
      for kind in ('Sans', 'Serif', 'Mono')),
    *(('train', f'Free{kind}', 'fonts-freefont-ttf',
       tuple(f'freefont/Free{kind}{s.replace("Oblique", oblique)}.ttf'
             for s in _FREE_STYLES))
      for kind, oblique in (('Sans', 'Oblique'), ('Serif', 'Italic'),
                            ('Mono', 'Oblique'))),
    *(('test', f'Noto {kind}', 'fonts-noto-core',
       tuple(f'noto/Noto{kind}{size}{s}.ttf' for size in ('', 'Display')
             for s in _ITALIC_STYLES)) for kind in ('Sans', 'Serif')),
)
SPLITS = ('train', 'test')

#: Output image side; glyphs are drawn SUPERSAMPLE times larger and
#: averaged down (anti-aliasing that does not depend on the font's
#: hinting at a tiny size).
SIZE = 32
SUPERSAMPLE = 4
#: Font size (pixels per em) and baseline height, as fractions of the
#: image: a fixed baseline and em keep what tells 'o' from 'O' (the
#: height), and leave room for accents (Cyrillic Io, short I) and
#: descenders.
EM = 0.62
BASELINE = 0.70
#: Ranges of the augmentations, drawn uniformly per sample (lengths in
#: output pixels): extra stroke width, rotation (degrees), horizontal
#: shear, scale, shift, Gaussian blur radius, Gaussian noise std (grey
#: levels). No flip: a mirrored letter is another letter or none.
STROKE = (0, 0.75)
ROTATION = (-10.0, 10.0)
SHEAR = (-0.2, 0.2)
SCALE = (0.9, 1.1)
SHIFT = (-1.5, 1.5)
BLUR = (0.0, 0.8)
NOISE = (0.0, 10.0)

#: Written last: its presence means the folder is complete.
META = 'meta.json'
FORMAT = 1


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '--num-classes',
        type=int,
        default=100,
        help=f'the first K classes of the ordering (at most '
        f'{len(class_characters())})')
    parser.add_argument(
        '--out', help='data_root of the configs (default data/glyphs<K>)')
    parser.add_argument(
        '--train-per-class',
        type=int,
        default=500,
        help='training images per class')
    parser.add_argument(
        '--test-per-class',
        type=int,
        default=100,
        help='test images per class')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--font-root', default=FONT_ROOT, help='where FONTS\' files are')
    parser.add_argument(
        '--workers',
        type=int,
        default=1,
        help='processes rendering classes in parallel (same bytes)')
    parser.add_argument(
        '--list-classes',
        action='store_true',
        help='print the class ordering and the dropped duplicates, then exit')
    return parser.parse_args(argv)


def class_characters() -> List[str]:
    """Every class in order: the characters of :data:`GROUPS` without
    :data:`DUPLICATES`."""
    return [ch for _, chars in GROUPS for ch in chars if ch not in DUPLICATES]


def describe(ch: str) -> str:
    """``'Γ' U+0393 GREEK CAPITAL LETTER GAMMA``."""
    return f"'{ch}' U+{ord(ch):04X} {unicodedata.name(ch)}"


def packages() -> List[str]:
    """The Debian packages that hold :data:`FONTS`, in table order."""
    return list(dict.fromkeys(package for _, _, package, _ in FONTS))


def font_files(font_root: Path) -> Dict[str, List[Tuple[str, List[str]]]]:
    """split -> [(family, [font file, ...]), ...], families in table
    order; exits naming the packages to install if a file is missing."""
    missing = {
        package
        for _, _, package, files in FONTS for name in files
        if not (font_root / name).is_file()
    }
    if missing:
        sys.exit(f'Glyphs: fonts not found in {font_root} (packages '
                 f'{", ".join(sorted(missing))}). Install them with '
                 f'`apt-get install {" ".join(packages())}` (or bash '
                 f'tools/install.sh), or pass --font-root.')
    families: Dict[str, Dict[str, List[str]]] = {s: {} for s in SPLITS}
    for split, family, _, files in FONTS:
        families[split].setdefault(family, []).extend(
            str(font_root / name) for name in files)
    return {split: list(found.items()) for split, found in families.items()}


def name_table_families(path: str) -> List[str]:
    """The family names a font file declares (name IDs 1 and 16)."""
    from fontTools.ttLib import TTFont
    names = TTFont(path, lazy=True)['name']
    return sorted({
        str(record.toUnicode())
        for record in names.names if record.nameID in (1, 16)
    })


def coverage(path: str, chars: Sequence[str]) -> List[str]:
    """The characters of ``chars`` that the font at ``path`` draws: in its
    character map (fontTools) and with ink (Pillow: a mapped but empty
    glyph is not drawn either)."""
    from fontTools.ttLib import TTFont
    cmap = TTFont(path, lazy=True).getBestCmap()
    font = load_font(path)
    return [
        ch for ch in chars
        if ord(ch) in cmap and font.getmask(ch).getbbox() is not None
    ]


def load_font(path: str) -> ImageFont.FreeTypeFont:
    """The font at the rendering size, basic layout (no raqm: the same
    output wherever Pillow has FreeType)."""
    return ImageFont.truetype(
        path,
        round(EM * SIZE * SUPERSAMPLE),
        layout_engine=ImageFont.Layout.BASIC)


def affine_matrix(angle: float, shear: float, scale: float, shift_x: float,
                  shift_y: float) -> np.ndarray:
    """3x3 map from the drawn glyph to the output canvas (supersampled
    pixels): rotation, horizontal shear and scale about the canvas centre,
    then a shift. Its determinant is ``scale ** 2 > 0``: never a flip."""
    centre = SIZE * SUPERSAMPLE / 2
    theta = np.deg2rad(angle)
    cos, sin = np.cos(theta), np.sin(theta)
    linear = np.array([[cos, -sin], [sin, cos]]) @ np.array(
        [[1.0, shear], [0.0, 1.0]]) * scale
    matrix = np.eye(3)
    matrix[:2, :2] = linear
    matrix[:2, 2] = centre + np.array([shift_x, shift_y]) - linear @ [
        centre, centre
    ]
    return matrix


def draw_params(rng: np.random.Generator) -> dict:
    """One sample's augmentation, drawn in a fixed order (the sample's
    noise field is drawn after it)."""
    return dict(
        stroke=int(rng.integers(0, round(STROKE[1] * SUPERSAMPLE) + 1)),
        angle=rng.uniform(*ROTATION),
        shear=rng.uniform(*SHEAR),
        scale=rng.uniform(*SCALE),
        shift_x=rng.uniform(*SHIFT) * SUPERSAMPLE,
        shift_y=rng.uniform(*SHIFT) * SUPERSAMPLE,
        blur=rng.uniform(*BLUR),
        noise=rng.uniform(*NOISE))


def draw_glyph(font: ImageFont.FreeTypeFont, ch: str,
               stroke: int = 0) -> Image.Image:
    """``ch`` on a black supersampled canvas, centred horizontally, on the
    fixed baseline, before any augmentation but the stroke."""
    side = SIZE * SUPERSAMPLE
    canvas = Image.new('L', (side, side), 0)
    draw = ImageDraw.Draw(canvas)
    left, _, right, _ = draw.textbbox((0, 0),
                                      ch,
                                      font=font,
                                      anchor='ls',
                                      stroke_width=stroke)
    draw.text((side / 2 - (left + right) / 2, BASELINE * side),
              ch,
              font=font,
              fill=255,
              anchor='ls',
              stroke_width=stroke,
              stroke_fill=255)
    return canvas


def render(font: ImageFont.FreeTypeFont, ch: str,
           rng: np.random.Generator) -> np.ndarray:
    """One augmented SIZE x SIZE uint8 image of ``ch``, white on black."""
    params = draw_params(rng)
    side = SIZE * SUPERSAMPLE
    canvas = draw_glyph(font, ch, params['stroke'])
    matrix = affine_matrix(params['angle'], params['shear'], params['scale'],
                           params['shift_x'], params['shift_y'])
    inverse = np.linalg.inv(matrix)[:2].ravel()
    canvas = canvas.transform((side, side), Image.Transform.AFFINE,
                              tuple(inverse), Image.Resampling.BILINEAR)
    image = canvas.resize((SIZE, SIZE), Image.Resampling.BOX)
    if params['blur'] > 0:
        image = image.filter(ImageFilter.GaussianBlur(params['blur']))
    noisy = np.asarray(image, dtype=np.float64) + params['noise'] * \
        rng.standard_normal((SIZE, SIZE))
    return np.clip(np.rint(noisy), 0, 255).astype(np.uint8)


def render_class(job: tuple) -> np.ndarray:
    """``count`` images of one character: sample i uses family i mod F of
    those that draw it, and that family's files in turn; its random draws
    come from a generator seeded by (seed, split, code point), so a class's
    images do not depend on K or on the other classes."""
    ch, split, families, count, seed = job
    rng = np.random.default_rng([seed, SPLITS.index(split), ord(ch)])
    fonts: Dict[str, ImageFont.FreeTypeFont] = {}
    images = np.empty((count, SIZE, SIZE), np.uint8)
    for i in range(count):
        files = families[i % len(families)]
        path = files[(i // len(families)) % len(files)]
        if path not in fonts:
            fonts[path] = load_font(path)
        images[i] = render(fonts[path], ch, rng)
    return images


def plan(chars: Sequence[str], families: List[Tuple[str, List[str]]],
         split: str) -> Tuple[Dict[str, List[List[str]]], List[dict]]:
    """Which fonts draw each character: character -> the families (each a
    list of its files that draw it) and the fonts skipped, with the
    characters they lack. Exits if no family of ``split`` draws one."""
    usable: Dict[str, List[List[str]]] = {ch: [] for ch in chars}
    skipped = []
    for family, files in families:
        per_char: Dict[str, List[str]] = {ch: [] for ch in chars}
        for path in files:
            drawn = set(coverage(path, chars))
            lacking = [ch for ch in chars if ch not in drawn]
            if lacking:
                skipped.append(
                    dict(
                        split=split,
                        family=family,
                        file=Path(path).name,
                        lacks=''.join(lacking)))
            for ch in drawn:
                per_char[ch].append(path)
        for ch, paths in per_char.items():
            if paths:
                usable[ch].append(paths)
    empty = [describe(ch) for ch, found in usable.items() if not found]
    if empty:
        sys.exit(f'Glyphs: no {split} font draws {", ".join(empty)}')
    return usable, skipped


def settings(args: argparse.Namespace) -> dict:
    """What decides the data (compared with an existing folder's)."""
    return dict(
        format=FORMAT,
        num_classes=args.num_classes,
        train_per_class=args.train_per_class,
        test_per_class=args.test_per_class,
        seed=args.seed,
        image_size=SIZE)


def prepare(args: argparse.Namespace) -> Path:
    """Render the dataset into ``args.out`` unless it holds it already.

    Files: ``{train,test}_images.npy`` (N, 32, 32) uint8, ``{train,test}
    _labels.npy`` (N,) int64, sample i of class k at ``i * K + k``, and
    :data:`META` (classes, fonts per split, skipped fonts, dropped
    duplicates, settings, library versions), written last; each through a
    temporary file.
    """
    chars = class_characters()
    if not 2 <= args.num_classes <= len(chars):
        sys.exit(f'Glyphs: --num-classes must be in [2, {len(chars)}], got '
                 f'{args.num_classes}')
    for name in ('train_per_class', 'test_per_class'):
        if getattr(args, name) < 1:
            sys.exit(f'Glyphs: --{name.replace("_", "-")} must be >= 1')
    out = Path(args.out or f'data/glyphs{args.num_classes}')
    wanted = settings(args)
    meta_file = out / META
    if meta_file.is_file():
        found = json.loads(meta_file.read_text(encoding='utf-8'))
        if found.get('settings') != wanted:
            sys.exit(f'Glyphs: {out} holds a dataset made with '
                     f'{found.get("settings")}, not {wanted}; choose another '
                     f'--out or delete {out}.')
        if all((out / f'{split}_{kind}.npy').is_file() for split in SPLITS
               for kind in ('images', 'labels')):
            print(f'Glyphs ready in {out}')
            return out
    start = time.perf_counter()
    chars = chars[:args.num_classes]
    dropped = [
        dict(dropped=describe(later), kept=describe(earlier))
        for later, earlier in DUPLICATES.items()
    ]
    print(f'Glyphs: {len(chars)} classes: {"".join(chars)}')
    print(f'Glyphs: {len(DUPLICATES)} letters dropped as duplicates of '
          f'earlier classes: ' +
          ', '.join(f'{later}={earlier}'
                    for later, earlier in DUPLICATES.items()))
    families = font_files(Path(args.font_root))
    meta = dict(
        settings=wanted,
        classes=chars,
        code_points=[f'U+{ord(ch):04X}' for ch in chars],
        names=[unicodedata.name(ch) for ch in chars],
        dropped_duplicates=dropped,
        fonts={},
        skipped=[],
        augmentation=dict(
            supersample=SUPERSAMPLE,
            em=EM,
            baseline=BASELINE,
            stroke=STROKE,
            rotation=ROTATION,
            shear=SHEAR,
            scale=SCALE,
            shift=SHIFT,
            blur=BLUR,
            noise=NOISE,
            flip=False),
        versions=dict(
            numpy=np.__version__,
            Pillow=Image.__version__,
            FreeType=features.version('freetype2')))
    out.mkdir(parents=True, exist_ok=True)
    for split in SPLITS:
        count = getattr(args, f'{split}_per_class')
        meta['fonts'][split] = [
            dict(
                family=family,
                files=[Path(p).name for p in files],
                name_table_families=sorted(
                    {n
                     for p in files for n in name_table_families(p)}))
            for family, files in families[split]
        ]
        usable, skipped = plan(chars, families[split], split)
        for entry in skipped:
            print(f'Glyphs: {split} font {entry["file"]} ({entry["family"]})'
                  f' skipped for {len(entry["lacks"])} classes it does not '
                  f'draw: {entry["lacks"]}')
        meta['skipped'].extend(skipped)
        jobs = [(ch, split, usable[ch], count, args.seed) for ch in chars]
        if args.workers > 1:
            with Pool(args.workers) as pool:
                images = pool.map(render_class, jobs)
        else:
            images = [render_class(job) for job in jobs]
        # interleaved: the first images of every class, then the second...
        # (a prefix, as ``indices=N`` takes, holds every class equally)
        labels = np.tile(np.arange(len(chars), dtype=np.int64), count)
        _save(out / f'{split}_images.npy',
              np.stack(images, axis=1).reshape(-1, SIZE, SIZE))
        _save(out / f'{split}_labels.npy', labels)
        print(f'Glyphs: {split}: {len(labels)} images ({count} per class) '
              f'from {len(families[split])} font families')
    with atomic_write(meta_file) as f:
        f.write(
            json.dumps(meta, indent=1, ensure_ascii=False).encode('utf-8'))
    print(f'Glyphs: rendered in {time.perf_counter() - start:.1f} s')
    print(f'Glyphs ready in {out}')
    return out


def _save(path: Path, array: np.ndarray) -> None:
    buffer = io.BytesIO()
    np.save(buffer, array)
    with atomic_write(path) as f:
        f.write(buffer.getvalue())


def list_classes() -> None:
    for index, ch in enumerate(class_characters()):
        print(f'{index:3d} {describe(ch)}')
    print('dropped (the earlier class kept):')
    for later, earlier in DUPLICATES.items():
        print(f'    {describe(later)} = {describe(earlier)}')


if __name__ == '__main__':
    args = parse_args()
    if args.list_classes:
        list_classes()
    else:
        prepare(args)
