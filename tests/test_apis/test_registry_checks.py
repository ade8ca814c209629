"""An unknown ``type`` in the model config stops tools/train.py and
tools/test.py before the Runner (and its environment dump), naming the key
path and close matches; every shipped config passes."""
import pytest
from mmengine.config import Config
from mmpretrain.models import ResNet

from switokd_mm.apis.registry_checks import check_model_types, typed_dicts
from tests.test_configs import CONFIGS, ROOT
from tools import train as train_tool

FLAGSHIP = str(ROOT / 'switokd_r18_r34_in1k.py')


def test_a_backbone_typo_stops_train_py_before_the_runner(tmp_path):
    work_dir = tmp_path / 'run'
    with pytest.raises(KeyError) as error:
        train_tool.main([
            FLAGSHIP, '--work-dir',
            str(work_dir), '--cfg-options',
            'model.student.backbone.type=ResNett'
        ])
    assert error.value.args[0] == (
        "model.student.backbone.type='ResNett' is not in the "
        "mmpretrain::model registry (did you mean 'ResNet', 'ResNeXt', "
        "'ResNeSt'?)")
    assert not work_dir.exists()  # nothing started


def test_every_unknown_type_is_named_with_its_path():
    cfg = Config.fromfile(FLAGSHIP)
    cfg.merge_from_dict({
        'model.teacher.head.loss.type': 'CrossEntropyLos',
        'model.threshold': dict(type='mmpretrain.Adaptive'),
        'model.student.init_cfg': [dict(type='Kaimin', layer='Conv2d')],
    })
    with pytest.raises(KeyError) as error:
        check_model_types(cfg)
    assert error.value.args[0].split('; ') == [
        "model.student.init_cfg.0.type='Kaimin' is not in the "
        "mmpretrain::weight initializer registry (did you mean "
        "'Kaiming'?)",
        "model.teacher.head.loss.type='CrossEntropyLos' is not in the "
        "mmpretrain::model registry (did you mean 'CrossEntropyLoss'?)",
        "model.threshold.type='mmpretrain.Adaptive' is not in the "
        "mmpretrain::task util registry (did you mean 'AdaptiveThreshold'?)",
    ]


def test_classes_scopes_and_unknown_registries_pass():
    cfg = Config(
        dict(
            default_scope='mmpretrain',
            model=dict(
                type='mmpretrain.ImageClassifier',
                backbone=dict(type=ResNet, depth=18),
                neck=dict(type='GlobalAveragePooling', _scope_='mmpretrain'),
                # batch augments: not a registry this check knows
                train_cfg=dict(augments=[dict(type='NoSuchAugment')]))))
    check_model_types(cfg)
    found = typed_dicts(cfg.model, 'model', None, 'mmpretrain')
    assert [path for path, *_ in found] == ['model.neck.type']


@pytest.mark.parametrize(
    'path', CONFIGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_shipped_configs_pass(path):
    check_model_types(Config.fromfile(str(path)))
