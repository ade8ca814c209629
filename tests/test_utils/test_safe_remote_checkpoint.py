"""Remote checkpoints (http, torchvision://, open-mmlab://, init_cfg
Pretrained, tools/test.py with a URL) are downloaded, then loaded by the
weights-only loader: a pickle payload served from 127.0.0.1 never runs."""
import functools
import http.server
import socket
import subprocess
import sys
import threading

import pytest
import torch
from mmengine.model import BaseModule
from mmengine.runner import checkpoint as mmengine_checkpoint
from mmengine.runner.checkpoint import _load_checkpoint

from switokd_mm.utils import UnsafeCheckpointError, enable_safe_checkpoints
from tests.conftest import CONFIG, REPO, data_root_options
from tests.test_utils.test_safe_checkpoint import Payload
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
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(served))
    httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f'http://127.0.0.1:{httpd.server_address[1]}', marker
    httpd.shutdown()
    httpd.server_close()


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


def test_importing_the_plugin_changes_nothing_in_mmengine():
    """Only SafeRunner and the tools switch safe loading on; importing a
    backbone (as an exported network's config does) patches nothing."""
    code = ('import switokd_mm.models.backbones\n'
            'from mmengine.fileio import LocalBackend, get_file_backend\n'
            'from switokd_mm.utils import safe_checkpoints_enabled\n'
            'assert not safe_checkpoints_enabled()\n'
            "assert type(get_file_backend('/x.pth')) is LocalBackend\n")
    subprocess.run([sys.executable, '-c', code], cwd=REPO, check=True,
                   timeout=300)
