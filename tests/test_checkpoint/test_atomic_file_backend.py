"""A checkpoint write that dies half-way leaves the previous file intact."""
import os

import pytest
import torch
from mmengine.fileio import get_file_backend
from mmengine.runner.checkpoint import _load_checkpoint, save_checkpoint

from switokd_mm.checkpoint import AtomicLocalBackend, enable_safe_checkpoints


@pytest.fixture(autouse=True)
def safe_checkpoints():
    """What SafeRunner and the tools switch on."""
    enable_safe_checkpoints()


def test_local_paths_use_the_atomic_backend(tmp_path):
    assert isinstance(
        get_file_backend(str(tmp_path / 'x.pth')), AtomicLocalBackend)


def test_interrupted_save_keeps_the_old_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / 'epoch_1.pth'
    save_checkpoint({'state_dict': {'w': torch.ones(3)}}, str(path))

    def killed(*args):
        raise KeyboardInterrupt('killed before the rename')

    monkeypatch.setattr(os, 'replace', killed)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint({'state_dict': {'w': torch.zeros(3)}}, str(path))
    monkeypatch.undo()

    assert torch.equal(
        _load_checkpoint(str(path))['state_dict']['w'], torch.ones(3))
    assert [p.name for p in tmp_path.iterdir()] == ['epoch_1.pth']


def test_text_is_written(tmp_path):
    backend = get_file_backend(str(tmp_path))
    backend.put_text('hello', tmp_path / 'sub' / 'a.txt')
    assert (tmp_path / 'sub' / 'a.txt').read_text() == 'hello'
