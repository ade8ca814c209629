"""Remote checkpoints (http, torchvision://, open-mmlab://, init_cfg
Pretrained, tools/test.py with a URL) are downloaded, then loaded by the
weights-only loader: a pickle payload served from 127.0.0.1 never runs.
Each URL has its own cached copy; object-storage bytes are verified."""
import contextlib
import functools
import http.server
import io
import re
import socket
import subprocess
import sys
import threading

import pytest
import torch
from mmengine.model import BaseModule
from mmengine.runner import checkpoint as mmengine_checkpoint
from mmengine.runner.checkpoint import _load_checkpoint

from switokd_mm.checkpoint import (CorruptCheckpointError,
                                   UnsafeCheckpointError,
                                   enable_safe_checkpoints, remote_loaders)
from tests.conftest import CONFIG, REPO, data_root_options
from tests.test_checkpoint.test_file_loader import Payload, with_a_flipped_bit
from tools import test as test_tool


@pytest.fixture(autouse=True)
def safe_checkpoints(tmp_path, monkeypatch):
    enable_safe_checkpoints()
    monkeypatch.setenv('TORCH_HOME', str(tmp_path / 'torch_home'))
    # a hung download fails the test instead of blocking the suite
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(20)
    yield
    socket.setdefaulttimeout(previous)


@contextlib.contextmanager
def serving(directory):
    """An http server on 127.0.0.1 (an ephemeral port) serving
    ``directory``; yields its base URL."""
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f'http://127.0.0.1:{httpd.server_address[1]}'
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def server(tmp_path):
    """An http server on 127.0.0.1 serving ``tmp_path/served``: an evil
    checkpoint (a payload that would create ``tmp_path/pwned``) and a good
    one."""
    served = tmp_path / 'served'
    served.mkdir()
    marker = tmp_path / 'pwned'
    evil = {"state_dict": {}, "meta": Payload(marker)}
    torch.save(evil, served / "evil.pth")
    torch.save({'state_dict': {'weight': torch.ones(2)}}, served / 'good.pth')
    with serving(served) as url:
        yield url, marker


def test_http_payload_is_refused_and_good_file_loads(server):
    url, marker = server
    with pytest.raises(UnsafeCheckpointError, match='Refusing'):
        _load_checkpoint(f'{url}/evil.pth')
    assert not marker.exists()
    good = _load_checkpoint(f'{url}/good.pth')
    assert torch.equal(good['state_dict']['weight'], torch.ones(2))


@pytest.mark.parametrize('scheme, table', [
    ('torchvision://', 'get_torchvision_models'),
    ('open-mmlab://', 'get_external_models'),
])
def test_named_models_resolve_to_the_safe_http_loader(server, monkeypatch,
                                                      scheme, table):
    url, marker = server
    monkeypatch.setattr(mmengine_checkpoint, table,
                        lambda: {'evil': f'{url}/evil.pth'})
    with pytest.raises(UnsafeCheckpointError):
        _load_checkpoint(f'{scheme}evil')
    assert not marker.exists()


def test_init_cfg_pretrained_from_http(server):
    url, marker = server
    module = BaseModule(
        init_cfg=dict(type='Pretrained', checkpoint=f'{url}/evil.pth'))
    with pytest.raises(UnsafeCheckpointError):
        module.init_weights()
    assert not marker.exists()


def test_test_tool_with_a_url(server, tmp_path, fashion_mnist_root):
    """``tools/test.py CONFIG http://...``: refused, no marker."""
    url, marker = server
    with pytest.raises(UnsafeCheckpointError):
        test_tool.main([
            CONFIG, f'{url}/evil.pth', '--work-dir',
            str(tmp_path / 'work'), '--cfg-options',
            *data_root_options(fashion_mnist_root)
        ])
    assert not marker.exists()


def test_same_file_name_at_two_urls_gives_each_its_weights(tmp_path):
    """``run_a/epoch_1.pth`` and ``run_b/epoch_1.pth``: each URL is
    downloaded and cached on its own (the second one was never requested
    when the cache was keyed by the file name)."""
    served = tmp_path / 'served'
    weights = {'run_a': torch.ones(2), 'run_b': torch.full((2, ), 2.)}
    for run, weight in weights.items():
        (served / run).mkdir(parents=True)
        checkpoint = {'state_dict': {'weight': weight}}
        torch.save(checkpoint, served / run / 'epoch_1.pth')

    def load_each(url):
        for run, weight in weights.items():
            loaded = _load_checkpoint(f'{url}/{run}/epoch_1.pth')
            assert torch.equal(loaded['state_dict']['weight'], weight)

    with serving(served) as url:
        load_each(url)
        for run in weights:
            (served / run / 'epoch_1.pth').unlink()
        load_each(url)  # gone from the server: each from its cached copy
    cache = tmp_path / 'torch_home' / 'hub' / 'checkpoints'
    assert len(list(cache.glob('*/epoch_1.pth'))) == 2


def test_object_storage_bytes_are_verified(monkeypatch):
    """``s3://`` bytes are loaded from a buffer: an intact one loads, one
    with a flipped bit is an error naming the object and the entry."""
    weight = torch.arange(1000.)
    buffer = io.BytesIO()
    torch.save({'state_dict': {'weight': weight}}, buffer)
    objects = {
        's3://bucket/good.pth': buffer.getvalue(),
        's3://bucket/rotten.pth': with_a_flipped_bit(buffer.getvalue(),
                                                     weight),
    }

    class Storage:
        get = staticmethod(objects.__getitem__)

    monkeypatch.setattr(remote_loaders, 'get_file_backend',
                        lambda filename, backend_args: Storage)
    good = _load_checkpoint('s3://bucket/good.pth')
    assert torch.equal(good['state_dict']['weight'], weight)
    with pytest.raises(
            CorruptCheckpointError,
            match=re.escape(
                "s3://bucket/rotten.pth is corrupt: its entry 'archive/")):
        _load_checkpoint('s3://bucket/rotten.pth')


def test_importing_the_plugin_changes_nothing_in_mmengine():
    """Only SafeRunner and the tools switch safe loading on; importing a
    backbone (as an exported network's config does) patches nothing."""
    code = ('import switokd_mm.models.backbones\n'
            'from mmengine.fileio import LocalBackend, get_file_backend\n'
            'from switokd_mm.checkpoint import safe_checkpoints_enabled\n'
            'assert not safe_checkpoints_enabled()\n'
            "assert type(get_file_backend('/x.pth')) is LocalBackend\n")
    subprocess.run([sys.executable, '-c', code],
                   cwd=REPO,
                   check=True,
                   timeout=300)
