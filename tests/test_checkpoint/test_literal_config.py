"""A config stored in a checkpoint is read without executing it."""
import pytest
from mmengine.config import Config

from switokd_mm.checkpoint.literal_config import (UnsafeConfigError,
                                                  literal_config_text,
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


@pytest.mark.parametrize('key', [
    "x': __import__('os').system('touch {marker}'), 'y",
    "x': 1, 'y",
    "a'b",
])
def test_key_closing_its_quotes_is_not_written(tmp_path, key):
    marker = tmp_path / 'pwned'
    cfg = Config(dict(model=dict(init_cfg={key.format(marker=marker): 1})))
    with pytest.raises(UnsafeConfigError):
        literal_config_text(cfg)
    assert not marker.exists()


def test_keys_that_are_not_identifiers_read_back():
    cfg = Config(
        dict(model=dict(weights={'a/b': 1, 'c d': [1, (2, -3.5)]}, x='q"')))
    assert parse_literal_config(
        literal_config_text(cfg)).to_dict() == cfg.to_dict()
