"""A config stored in a checkpoint is read without executing it."""
import pytest
from mmengine.config import Config

from switokd_mm.utils.literal_config import (UnsafeConfigError,
                                             parse_literal_config)
from tests.conftest import CONFIG


def test_stored_pretty_text_reads_back_equal():
    cfg = Config.fromfile(CONFIG)
    parsed = parse_literal_config(cfg.pretty_text)
    assert parsed.to_dict() == Config.fromstring(
        cfg.pretty_text, file_format='.py').to_dict()


@pytest.mark.parametrize('code', [
    "import os\nos.system('touch {marker}')",
    "model = dict(x=__import__('os').system('touch {marker}'))",
    "model = open('{marker}', 'w')",
    "x = [1][0]",
])
def test_code_is_refused_and_never_runs(tmp_path, code):
    marker = tmp_path / 'pwned'
    with pytest.raises(UnsafeConfigError):
        parse_literal_config(code.format(marker=marker))
    assert not marker.exists()
