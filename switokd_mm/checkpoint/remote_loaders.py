"""Remote checkpoints: downloaded first, then loaded by the safe loader.

mmengine loads ``http(s)://``, ``torchvision://``, ``open-mmlab://`` and
``mmcls://`` checkpoints with ``torch.hub.load_state_dict_from_url``, which
unpickles arbitrary objects. These loaders resolve the same names with
mmengine's own model tables, download the file into torch's hub cache
(``$TORCH_HOME/hub/checkpoints``, one folder per URL: see
:func:`cached_checkpoint_path`) and load it with
:func:`~switokd_mm.checkpoint.file_loader.load_checkpoint_file`, which
verifies it first. Object-storage (``s3://``, ``petrel://``) bytes and
``pavi://`` downloads go through the same loader.
"""
import hashlib
import io
import logging
import os
import os.path as osp
from tempfile import TemporaryDirectory
from typing import Any, Callable, Dict, Optional
from urllib.parse import urlparse

import torch
from mmengine.dist import get_dist_info
from mmengine.fileio import get_file_backend
from mmengine.logging import print_log
from mmengine.runner import checkpoint as mmengine_checkpoint

from .file_loader import load_checkpoint_file, load_local_checkpoint

#: hex digits of the URL's sha256 that name its cache folder (64 bits)
URL_KEY_LENGTH = 16


def cached_checkpoint_path(url: str) -> str:
    """Where ``url`` is kept in torch's hub cache.

    The folder is keyed by the whole URL (query included), so two URLs whose
    files share a name (``.../run_a/epoch_1.pth``, ``.../run_b/epoch_1.pth``)
    get a copy each; the file keeps its own name.

    Args:
        url: an ``http://`` or ``https://`` address.

    Returns:
        str: ``$TORCH_HOME/hub/checkpoints/<first 16 hex digits of the URL's
        sha256>/<file name>``.
    """
    key = hashlib.sha256(url.encode()).hexdigest()[:URL_KEY_LENGTH]
    return osp.join(torch.hub.get_dir(), 'checkpoints', key,
                    osp.basename(urlparse(url).path))


def download_checkpoint(url: str) -> str:
    """The local copy of ``url`` in torch's hub cache
    (:func:`cached_checkpoint_path`), downloaded once (rank 0 downloads,
    the other ranks wait for it).

    Args:
        url: an ``http://`` or ``https://`` address.

    Returns:
        str: path of the downloaded file.
    """
    cached = cached_checkpoint_path(url)
    rank, world_size = get_dist_info()
    if rank == 0 and not osp.isfile(cached):
        os.makedirs(osp.dirname(cached), exist_ok=True)
        print_log(f'Downloading {url} to {cached}', logger='current')
        # writes a temporary file and renames it: never a partial `cached`
        torch.hub.download_url_to_file(url, cached, progress=False)
    if world_size > 1:
        torch.distributed.barrier()
    return cached


def load_from_http(filename: str, map_location: Optional[Any] = None) -> Any:
    """Download an ``http(s)://`` checkpoint, then load it safely."""
    return load_local_checkpoint(download_checkpoint(filename), map_location)


def load_from_torchvision(filename: str,
                          map_location: Optional[Any] = None) -> Any:
    """``torchvision://NAME`` (or the deprecated ``modelzoo://NAME``)."""
    name = filename.split('://', 1)[1]
    urls = mmengine_checkpoint.get_torchvision_models()
    return load_from_http(urls[name], map_location)


def load_from_openmmlab(filename: str,
                        map_location: Optional[Any] = None) -> Any:
    """``open-mmlab://NAME`` or ``openmmlab://NAME``."""
    name = filename.split('://', 1)[1]
    deprecated = mmengine_checkpoint.get_deprecated_model_names()
    if name in deprecated:
        print_log(
            f'{filename} is deprecated in favor of {deprecated[name]}',
            logger='current',
            level=logging.WARNING)
        name = deprecated[name]
    url = mmengine_checkpoint.get_external_models()[name]
    if url.startswith(('http://', 'https://')):
        return load_from_http(url, map_location)
    return load_local_checkpoint(
        osp.join(mmengine_checkpoint._get_mmengine_home(), url), map_location)


def load_from_mmcls(filename: str, map_location: Optional[Any] = None) -> Any:
    """``mmcls://NAME``: mmcls weights renamed for mmengine, as mmengine
    does."""
    url = mmengine_checkpoint.get_mmcls_models()[filename[len('mmcls://'):]]
    return mmengine_checkpoint._process_mmcls_checkpoint(
        load_from_http(url, map_location))


def load_from_ceph(filename: str, map_location: Optional[Any] = None) -> Any:
    """``s3://`` / ``petrel://``: the object's bytes, loaded safely."""
    backend = get_file_backend(filename, backend_args={'backend': 'petrel'})
    with io.BytesIO(backend.get(filename)) as buffer:
        return load_checkpoint_file(buffer, map_location, source=filename)


def load_from_pavi(filename: str, map_location: Optional[Any] = None) -> Any:
    """``pavi://``: downloaded from the model cloud, loaded safely."""
    from pavi import modelcloud
    model = modelcloud.get(filename[len('pavi://'):])
    with TemporaryDirectory() as tmp_dir:
        downloaded = osp.join(tmp_dir, model.name)
        model.download(downloaded)
        return load_local_checkpoint(downloaded, map_location)


#: mmengine's URL prefixes (as it registers them) and their safe loaders.
SAFE_LOADERS: Dict[Any, Callable] = {
    '': load_local_checkpoint,
    ('http://', 'https://'): load_from_http,
    ('modelzoo://', 'torchvision://'): load_from_torchvision,
    ('open-mmlab://', 'openmmlab://'): load_from_openmmlab,
    'mmcls://': load_from_mmcls,
    (r'(\S+\:)?s3://', r'(\S+\:)?petrel://'): load_from_ceph,
    'pavi://': load_from_pavi,
}
