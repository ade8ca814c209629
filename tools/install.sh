#!/usr/bin/env bash
# Install switokd_mm (editable), the offline Fashion-MNIST data and the fonts
# Glyphs is rendered from, on a fresh machine; one line per step.
#   bash tools/install.sh                  # with the test tools: .[tests]
#   bash tools/install.sh --without-tests  # the package alone: .
# Run again, it skips what is installed already (tools/install_state.py: the
# package from this checkout, every requirement in a matching version, no
# change to setup.py or the requirement files since the last install, and
# that install had the extras asked for: an install with the test tools
# serves --without-tests). Used by tools/run_tests.sh and, --without-tests,
# by tools/demo.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

case "${1-}" in
    "") EXTRAS=tests ;;
    --without-tests) EXTRAS="" ;;
    *)
        echo "usage: bash tools/install.sh [--without-tests]" >&2
        exit 2
        ;;
esac
TARGET=".${EXTRAS:+[$EXTRAS]}"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

if [ -d /usr/share/datasets/fashion-mnist ]; then
    echo "[install] Fashion-MNIST: present in /usr/share/datasets/fashion-mnist"
else
    echo "[install] Fashion-MNIST: apt-get install dataset-fashion-mnist ..."
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq dataset-fashion-mnist >/dev/null
fi

# The fonts tools/dataset_converters/prepare_glyphs.py renders Glyphs from
# (its FONTS), each package known by one of its files
FONT_DIR=${FONT_DIR:-/usr/share/fonts/truetype}
missing_fonts=()
for package_file in \
    fonts-dejavu-core:dejavu/DejaVuSans.ttf \
    fonts-dejavu-extra:dejavu/DejaVuSerif-Italic.ttf \
    fonts-liberation2:liberation2/LiberationSans-Regular.ttf \
    fonts-freefont-ttf:freefont/FreeSans.ttf \
    fonts-noto-core:noto/NotoSans-Regular.ttf; do
    if [ ! -f "$FONT_DIR/${package_file#*:}" ]; then
        missing_fonts+=("${package_file%%:*}")
    fi
done
if [ ${#missing_fonts[@]} -eq 0 ]; then
    echo "[install] Glyphs fonts: present in $FONT_DIR"
else
    echo "[install] Glyphs fonts: apt-get install ${missing_fonts[*]} ..."
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq "${missing_fonts[@]}" >/dev/null
fi

# -I: neither PYTHONPATH nor the current folder may hide the installed
# package; $EXTRAS unquoted: no word (--without-tests) or one
# shellcheck disable=SC2086
if reason=$("$PYTHON" -I tools/install_state.py --extras $EXTRAS 2>&1); then
    echo "[install] switokd_mm: $reason"
else
    echo "[install] switokd_mm: $reason;"
    echo "[install] switokd_mm: pip install -e \"$TARGET\" (1-3 minutes on a" \
        "fresh machine) ..."
    "$PYTHON" -m pip install -q --root-user-action=ignore -e "$TARGET"
    # shellcheck disable=SC2086
    "$PYTHON" -I tools/install_state.py --write --extras $EXTRAS
    echo "[install] switokd_mm: done"
fi
