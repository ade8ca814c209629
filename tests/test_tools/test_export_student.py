"""The exported student is a plain mmpretrain classifier with the same
logits as inside SwitOKD, loaded without switokd_mm."""
import subprocess
import sys
import textwrap

import pytest
import torch
from mmengine.config import Config

from tests.fixtures.training_checkpoint import write_training_checkpoint
from tools.model_converters.export_student import export

NATIVE = dict(  # mmpretrain's own MobileNetV2: no switokd_mm module needed
    type='ImageClassifier',
    backbone=dict(type='MobileNetV2', widen_factor=0.5),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=10, in_channels=1280))


@pytest.fixture
def switokd_checkpoint(tmp_path):
    cfg = Config(
        dict(
            default_scope='mmpretrain',
            model=dict(
                type='SwitOKD',
                student=NATIVE,
                teacher=dict(NATIVE, backbone=dict(type='MobileNetV2')),
                data_preprocessor=dict(mean=[100.0] * 3, std=[50.0] * 3)),
            test_evaluator=dict(
                type='PerNetworkMetric', metric=dict(type='Accuracy'))))
    return write_training_checkpoint(cfg, (8, 3, 32, 32),
                                     list('abcdefghij'),
                                     tmp_path / 'switokd.pth')


def test_plain_mmpretrain_gives_identical_logits(switokd_checkpoint, tmp_path):
    model, path = switokd_checkpoint
    stem = export(str(path), str(tmp_path / 'out'))['student']
    inputs = torch.randn(4, 3, 32, 32)
    torch.save(inputs, tmp_path / 'inputs.pt')
    script = textwrap.dedent(f'''
        import sys, torch
        from mmpretrain.apis import init_model
        model = init_model('{stem}.py', '{stem}.pth', device='cpu')
        with torch.no_grad():
            logits = model(torch.load('{tmp_path}/inputs.pt'), mode='tensor')
        torch.save(logits, '{tmp_path}/logits.pt')
        assert not [m for m in sys.modules if m.startswith('switokd_mm')]
        print(type(model).__name__, model._dataset_meta['classes'][0])
    ''')
    result = subprocess.run([sys.executable, '-c', script],
                            cwd=tmp_path,
                            capture_output=True,
                            text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'ImageClassifier a' in result.stdout
    with torch.no_grad():
        expected = model.student(inputs, mode='tensor')
    assert torch.equal(torch.load(tmp_path / 'logits.pt'), expected)


def test_exports_teacher_too_and_plain_config(switokd_checkpoint, tmp_path):
    _, path = switokd_checkpoint
    stems = export(str(path), str(tmp_path), networks=('student', 'teacher'))
    teacher = torch.load(f"{stems['teacher']}.pth", weights_only=True)
    assert not any(
        k.startswith(('teacher.', 'student.')) for k in teacher['state_dict'])
    student_cfg = Config.fromfile(f"{stems['student']}.py")
    assert student_cfg.model.type == 'ImageClassifier'
    assert student_cfg.model.data_preprocessor.mean == [100.0] * 3
    assert student_cfg.test_evaluator == dict(type='Accuracy')
    assert 'custom_imports' not in student_cfg


def test_unknown_network(switokd_checkpoint, tmp_path):
    _, path = switokd_checkpoint
    with pytest.raises(KeyError, match='assistant'):
        export(str(path), str(tmp_path), networks=('assistant', ))


def test_switokd_backbone_config_imports_the_plugin(tmp_path):
    cfg = Config.fromfile(
        'configs/cifar100/switokd_wrn16-2_resnet32_1xb128_cifar100.py')
    from tools.model_converters.export_student import network_config
    exported = network_config(cfg, 'student')
    assert exported.custom_imports.imports == ['switokd_mm.models.backbones']
    assert exported.model.backbone.type == 'CifarResNet'


def test_stored_config_with_code_is_never_executed(switokd_checkpoint,
                                                   tmp_path):
    """Without --config the stored config is parsed, not executed: a
    code-carrying one is refused and its code does not run."""
    from switokd_mm.checkpoint.literal_config import UnsafeConfigError
    _, path = switokd_checkpoint
    checkpoint = torch.load(path, weights_only=True)
    marker = tmp_path / 'pwned'
    checkpoint['meta']['cfg'] += (
        f"\nimport os\nx = os.system('touch {marker}')\n")
    evil = tmp_path / 'evil.pth'
    torch.save(checkpoint, evil)
    with pytest.raises(UnsafeConfigError, match='plain values'):
        export(str(evil), str(tmp_path / 'out'))
    assert not marker.exists()


def test_pickle_payload_is_refused(tmp_path):
    from switokd_mm.checkpoint import UnsafeCheckpointError
    from tests.test_checkpoint.test_file_loader import Payload
    marker = tmp_path / 'pwned'
    torch.save({'state_dict': {}, 'meta': Payload(marker)}, tmp_path / 'e.pth')
    with pytest.raises(UnsafeCheckpointError):
        export(str(tmp_path / 'e.pth'), str(tmp_path / 'out'))
    assert not marker.exists()


def test_key_that_closes_its_quotes_is_never_written_as_code(
        switokd_checkpoint, tmp_path):
    """pretty_text writes dict keys unescaped: a crafted key in the stored
    config must not become code in the exported .py."""
    from switokd_mm.checkpoint.literal_config import UnsafeConfigError
    _, path = switokd_checkpoint
    checkpoint = torch.load(path, weights_only=True)
    marker = tmp_path / 'pwned'
    key = f"x': __import__('os').system('touch {marker}'), 'y"
    model = dict(
        type='SwitOKD',
        student=dict(NATIVE, init_cfg={key: 1}),
        teacher=NATIVE)
    # a literal the stored-config parser accepts: the key is a plain string
    checkpoint['meta']['cfg'] = f'model = {model!r}\n'
    evil = tmp_path / 'evil.pth'
    torch.save(checkpoint, evil)
    out = tmp_path / 'out'
    with pytest.raises(UnsafeConfigError, match='plain values'):
        export(str(evil), str(out))
    assert not out.exists()
    assert not marker.exists()


def test_config_of_another_architecture_is_refused(switokd_checkpoint,
                                                   tmp_path):
    _, path = switokd_checkpoint
    other = tmp_path / 'other.py'
    Config(
        dict(
            model=dict(
                type='SwitOKD',
                student=dict(NATIVE, backbone=dict(type='MobileNetV2')),
                teacher=NATIVE))).dump(other)
    out = tmp_path / 'out'
    with pytest.raises(RuntimeError, match='another architecture'):
        export(str(path), str(out), config=str(other))
    assert not out.exists()


def test_non_finite_weights_are_refused(switokd_checkpoint, tmp_path):
    _, path = switokd_checkpoint
    checkpoint = torch.load(path, weights_only=True)
    checkpoint['state_dict']['student.head.fc.bias'][3] = float('nan')
    torch.save(checkpoint, tmp_path / 'nan.pth')
    with pytest.raises(RuntimeError, match=r'non-finite.*head\.fc\.bias'):
        export(str(tmp_path / 'nan.pth'), str(tmp_path / 'out'))


def test_every_student_of_a_1t2s_checkpoint_is_exported(tmp_path):
    from mmpretrain.registry import MODELS
    model_cfg = Config.fromfile(
        'tests/fixtures/tiny_1t2s_fashion_mnist.py').model
    model = MODELS.build(model_cfg)
    stored = Config(dict(default_scope='mmpretrain', model=model_cfg))
    torch.save(
        dict(state_dict=model.state_dict(), meta=dict(cfg=stored.pretty_text)),
        tmp_path / '1t2s.pth')
    stems = export(str(tmp_path / '1t2s.pth'), str(tmp_path / 'out'))
    assert sorted(stems) == ['r8w2', 'r8w4']
    for name, stem in stems.items():
        exported = MODELS.build(Config.fromfile(f'{stem}.py').model)
        exported.load_state_dict(
            torch.load(f'{stem}.pth', weights_only=True)['state_dict'])
        for key, value in getattr(model, name).state_dict().items():
            assert torch.equal(exported.state_dict()[key], value), key
